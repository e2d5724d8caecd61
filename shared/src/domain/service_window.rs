//! WhatsApp's customer service window: while it is open any message may be
//! sent for free; once it closes only approved, billed templates may be.

use super::Millis;
use serde::{Deserialize, Serialize};

/// Hours a customer message keeps the service window open.
pub const SERVICE_WINDOW_HOURS: i64 = 24;
/// Hours the free entry point lasts after a click-to-WhatsApp ad.
pub const FREE_ENTRY_POINT_HOURS: i64 = 72;

/// The two ways a window is open: the 24-hour service window after the
/// customer's last message, and the 72-hour free entry point after they came
/// in from a click-to-WhatsApp ad. Kept apart so neither ever shortens the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceWindow {
    /// When the 24-hour window after the last inbound message closes.
    pub service_until: Option<Millis>,
    /// When the 72-hour free entry point from an ad closes.
    pub free_entry_until: Option<Millis>,
}

impl ServiceWindow {
    /// The window an inbound message at `at` opens.
    pub fn opened_by(at: Millis, from_ad: bool) -> Self {
        ServiceWindow {
            service_until: Some(at.plus_hours(SERVICE_WINDOW_HOURS)),
            free_entry_until: from_ad.then(|| at.plus_hours(FREE_ENTRY_POINT_HOURS)),
        }
    }

    /// When the window closes (or closed); `None` if the customer never wrote.
    pub fn closes_at(&self) -> Option<Millis> {
        self.service_until.max(self.free_entry_until)
    }

    /// Whether a free-form message may be sent at `now`.
    pub fn is_open(&self, now: Millis) -> bool {
        self.closes_at().is_some_and(|end| now < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_opens_24_hours() {
        let w = ServiceWindow::opened_by(Millis(0), false);
        assert!(w.is_open(Millis(0).plus_hours(23)));
        assert!(!w.is_open(Millis(0).plus_hours(24)));
    }

    #[test]
    fn an_ad_entry_opens_72_hours_and_a_later_message_does_not_shorten_it() {
        let ad = ServiceWindow::opened_by(Millis(0), true);
        let later = ServiceWindow { service_until: Some(Millis(0).plus_hours(25)), ..ad };
        assert!(later.is_open(Millis(0).plus_hours(71)));
        assert_eq!(later.closes_at(), Some(Millis(0).plus_hours(72)));
    }

    #[test]
    fn never_written_is_closed() {
        assert!(!ServiceWindow::default().is_open(Millis(0)));
    }
}
