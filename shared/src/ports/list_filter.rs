//! Narrowing a contact list or queue by owner, tag and business number.

/// Whose conversations a filtered list keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Only those nobody owns.
    Unassigned,
    /// Only those this teammate (a normalized e-mail) owns.
    Owner(String),
}

/// What a list keeps beyond its queue and the viewer's visibility (which
/// still applies: a filter only ever narrows). Empty keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// By owner.
    pub owner: Option<OwnerFilter>,
    /// By one tag, normalized as `domain::tags` stores it.
    pub tag: Option<String>,
    /// By the business number (`phone_number_id`) the contact writes to.
    pub number: Option<String>,
}

impl ListFilter {
    /// Whether it keeps everything.
    pub fn is_empty(&self) -> bool {
        self.owner.is_none() && self.tag.is_none() && self.number.is_none()
    }

    /// Whether `contact` passes it (what the stores' filter expressions say).
    pub fn keeps(&self, contact: &crate::domain::Contact) -> bool {
        let owner = contact.conversation.owner.as_deref();
        let owner_ok = match &self.owner {
            None => true,
            Some(OwnerFilter::Unassigned) => owner.is_none(),
            Some(OwnerFilter::Owner(email)) => owner == Some(email.as_str()),
        };
        owner_ok
            && self.tag.as_ref().is_none_or(|tag| contact.tags.contains(tag))
            && self.number.as_ref().is_none_or(|number| contact.phone_number_id == *number)
    }
}
