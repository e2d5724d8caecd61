//! Where an outbound message lives, without saying how the store keys it.

use super::{ContactId, Millis};

/// Tags a message reference in callback data. Callbacks issued before this
/// type existed carried `<contact>|M#<time>#<id>` too, so they still parse.
const CALLBACK_TAG: &str = "M#";

/// A message on a contact's timeline: the contact, and a locator that only
/// the store interprets. Stable from the moment staff press send, so it is
/// what the queue carries and what Meta echoes back in statuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageRef {
    /// Whose timeline.
    pub contact: ContactId,
    locator: String,
}

impl MessageRef {
    /// The reference of the message `id` created at `at`: time first, so that
    /// references of one contact sort like their messages.
    pub fn new(contact: ContactId, at: Millis, id: &str) -> Self {
        MessageRef { contact, locator: format!("{}#{id}", at.sortable()) }
    }

    /// A reference from a locator a store handed out earlier.
    pub fn from_locator(contact: ContactId, locator: impl Into<String>) -> Self {
        MessageRef { contact, locator: locator.into() }
    }

    /// The opaque part; stores turn it into their own key.
    pub fn locator(&self) -> &str {
        &self.locator
    }

    /// The message's own id (`pm.…` or the wamid), the locator's last part.
    pub fn message_id(&self) -> &str {
        self.locator.rsplit('#').next().unwrap_or_default()
    }

    /// What Parley sends as `biz_opaque_callback_data`, so that a status maps
    /// straight back to its message: `<contactId>|M#<locator>`.
    pub fn callback_data(&self) -> String {
        format!("{}|{CALLBACK_TAG}{}", self.contact, self.locator)
    }

    /// Reads [`MessageRef::callback_data`] back; `None` for anything else
    /// (callback data is echoed from the send request, so anyone's could arrive).
    pub fn from_callback_data(text: &str) -> Option<Self> {
        let (contact, rest) = text.split_once('|')?;
        let contact = ContactId::parse(contact)?;
        let locator = rest.strip_prefix(CALLBACK_TAG)?;
        Some(MessageRef { contact, locator: locator.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact() -> ContactId {
        ContactId::parse("0123456789abcdef01234567").unwrap()
    }

    #[test]
    fn callback_data_round_trips_and_refuses_strangers() {
        let r = MessageRef::new(contact(), Millis(1_700_000_000_000), "pm.1");
        assert_eq!(MessageRef::from_callback_data(&r.callback_data()), Some(r.clone()));
        assert_eq!(r.callback_data(), format!("{}|M#001700000000000#pm.1", r.contact));
        assert_eq!(MessageRef::from_callback_data("campaign-42"), None);
        assert_eq!(MessageRef::from_callback_data(&format!("{}|N#x", r.contact)), None);
        assert_eq!(MessageRef::from_callback_data("not a contact|M#1#x"), None);
    }

    #[test]
    fn references_sort_like_time() {
        let a = MessageRef::new(contact(), Millis(999), "b");
        let b = MessageRef::new(contact(), Millis(1_000), "a");
        assert!(a < b);
    }
}
