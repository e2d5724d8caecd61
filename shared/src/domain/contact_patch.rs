//! A change staff make to a contact record.

/// Changes to a contact record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPatch {
    /// Staff's name for the contact (`Some(None)` reverts to the profile name).
    pub display_name: Option<Option<String>>,
    /// The profile name as read, which name search falls back to when
    /// staff's name is cleared; the patch applies only while it is current.
    pub profile_name: Option<String>,
    /// The full tag set.
    pub tags: Option<Vec<String>>,
    /// Custom fields to set or remove, key by key.
    pub fields: Option<crate::domain::contact_fields::FieldChanges>,
}
