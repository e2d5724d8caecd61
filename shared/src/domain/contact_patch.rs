//! A change staff make to a contact record.

use std::collections::BTreeMap;

/// Changes to a contact record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPatch {
    /// Staff's name for the contact (`Some(None)` reverts to the profile name).
    pub display_name: Option<Option<String>>,
    /// The full tag set.
    pub tags: Option<Vec<String>>,
    /// The full custom-field map.
    pub fields: Option<BTreeMap<String, String>>,
}
