//! What the customer's phone is told while staff handle their
//! conversation: blue ticks when someone opens it (a read receipt), and
//! "typing…" while someone writes the answer. Each business can switch
//! either off; Meta's typing indicator marks the message read as well, so
//! it needs read receipts on too.

use super::{BusinessProfile, Contact, Millis};

/// Meta accepts read marks for messages up to 30 days old.
const MARKABLE_FOR_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Which signal staff's action sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatSignal {
    /// Someone opened the conversation.
    Read,
    /// Someone is typing an answer.
    Typing,
}

/// Whether a signal goes, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalPlan {
    /// Mark this customer message read (with the typing indicator for
    /// [`ChatSignal::Typing`]).
    Send {
        /// The customer's latest message.
        wamid: String,
    },
    /// The business switched it off.
    Off,
    /// Nothing to mark: no message from the customer, one already marked,
    /// one too old for Meta, or (for typing) a closed service window, in
    /// which no answer could be sent anyway.
    NotDue,
}

impl SignalPlan {
    /// The plan's name in the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            SignalPlan::Send { .. } => "sent",
            SignalPlan::Off => "off",
            SignalPlan::NotDue => "not_due",
        }
    }
}

/// What `signal` sends for `contact` now.
pub fn plan_signal(signal: ChatSignal, contact: &Contact, business: &BusinessProfile, now: Millis) -> SignalPlan {
    let switched_on = match signal {
        ChatSignal::Read => business.read_receipts,
        ChatSignal::Typing => business.read_receipts && business.typing_indicator,
    };
    if !switched_on {
        return SignalPlan::Off;
    }
    let (Some(wamid), Some(at)) = (&contact.last_inbound_wamid, contact.last_inbound_at) else {
        return SignalPlan::NotDue;
    };
    let due = match signal {
        ChatSignal::Read => contact.read_receipt_for.as_ref() != Some(wamid) && now.0 - at.0 < MARKABLE_FOR_MS,
        ChatSignal::Typing => contact.window.is_open(now),
    };
    if due {
        SignalPlan::Send { wamid: wamid.clone() }
    } else {
        SignalPlan::NotDue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContactId, ServiceWindow};

    const HOUR: i64 = 3_600_000;

    fn contact(last: Option<(&str, i64)>) -> Contact {
        let mut c = Contact::blank(ContactId::parse("0123456789abcdef01234567").unwrap(), "1", Millis(0));
        if let Some((wamid, at)) = last {
            c.last_inbound_wamid = Some(wamid.to_owned());
            c.last_inbound_at = Some(Millis(at));
            c.window = ServiceWindow::opened_by(Millis(at), false);
        }
        c
    }

    #[test]
    fn opening_marks_the_latest_message_once_and_not_one_meta_no_longer_takes() {
        let business = BusinessProfile::default();
        let mut c = contact(Some(("wamid.B", HOUR)));
        let send = SignalPlan::Send { wamid: "wamid.B".into() };
        assert_eq!(plan_signal(ChatSignal::Read, &c, &business, Millis(2 * HOUR)), send);
        c.read_receipt_for = Some("wamid.B".into());
        assert_eq!(
            plan_signal(ChatSignal::Read, &c, &business, Millis(2 * HOUR)),
            SignalPlan::NotDue,
            "already marked"
        );
        c.read_receipt_for = Some("wamid.A".into());
        assert_eq!(plan_signal(ChatSignal::Read, &c, &business, Millis(31 * 24 * HOUR)), SignalPlan::NotDue, "too old");
        assert_eq!(plan_signal(ChatSignal::Read, &contact(None), &business, Millis(HOUR)), SignalPlan::NotDue);
    }

    #[test]
    fn typing_shows_only_inside_the_window_and_each_switch_turns_its_signal_off() {
        let mut business = BusinessProfile::default();
        let mut c = contact(Some(("wamid.B", HOUR)));
        c.read_receipt_for = Some("wamid.B".into());
        let send = SignalPlan::Send { wamid: "wamid.B".into() };
        assert_eq!(plan_signal(ChatSignal::Typing, &c, &business, Millis(2 * HOUR)), send, "again while typing");
        assert_eq!(plan_signal(ChatSignal::Typing, &c, &business, Millis(26 * HOUR)), SignalPlan::NotDue);
        business.typing_indicator = false;
        assert_eq!(plan_signal(ChatSignal::Typing, &c, &business, Millis(2 * HOUR)), SignalPlan::Off);
        business.typing_indicator = true;
        business.read_receipts = false;
        assert_eq!(
            plan_signal(ChatSignal::Typing, &c, &business, Millis(2 * HOUR)),
            SignalPlan::Off,
            "it would mark read"
        );
        assert_eq!(
            plan_signal(ChatSignal::Read, &contact(Some(("wamid.C", HOUR))), &business, Millis(HOUR)),
            SignalPlan::Off
        );
    }
}
