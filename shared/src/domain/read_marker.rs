//! Unread, per person: a conversation is unread for someone when the
//! customer wrote after the newest message that person has read.

use super::Millis;

/// Whether a conversation whose latest inbound message is at
/// `last_inbound_at` is unread for someone who has read through `read_through`.
pub fn is_unread(last_inbound_at: Option<Millis>, read_through: Option<Millis>) -> bool {
    match (last_inbound_at, read_through) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(inbound), Some(read)) => inbound > read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unread_only_when_the_customer_wrote_after_the_last_read() {
        assert!(!is_unread(None, None), "nothing received");
        assert!(is_unread(Some(Millis(10)), None), "never opened");
        assert!(is_unread(Some(Millis(11)), Some(Millis(10))));
        assert!(!is_unread(Some(Millis(10)), Some(Millis(10))));
        assert!(!is_unread(Some(Millis(9)), Some(Millis(10))));
    }
}
