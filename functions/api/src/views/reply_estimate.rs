//! Whether a reply to one contact is billed, told in the composer before
//! anything is typed.

use parley::domain::pricing::{Estimate, RateCards};
use parley::domain::template::Category;
use parley::domain::{Contact, Millis};
use schemars::JsonSchema;
use serde::Serialize;

/// A free-form reply's price now, or, with the window closed, what the
/// template that must be sent instead costs; prices from the rate card.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ReplyEstimate")]
pub struct ReplyEstimateView {
    /// A free-form reply can be sent now.
    window_open: bool,
    /// When the open window closes.
    closes_at: Option<String>,
    /// A free-form (service) reply; `null` while the window is closed.
    reply: Option<Estimate>,
    /// A utility template, the cheapest way back in once the window closes.
    template: Estimate,
    /// Free service replies left this month under the allowance the admin
    /// set; `null` when Meta bills no reply or gives no allowance.
    free_replies_left: Option<u64>,
}

impl ReplyEstimateView {
    /// The estimate for `contact` at `now`, priced with `rates`, after
    /// `replies_used` service replies this month.
    pub fn new(contact: &Contact, rates: &RateCards, now: Millis, replies_used: u64) -> Self {
        let open = contact.window.is_open(now);
        let wa_id = contact.wa_id.as_deref();
        ReplyEstimateView {
            window_open: open,
            closes_at: if open { contact.window.closes_at().map(Millis::to_rfc3339) } else { None },
            reply: open.then(|| rates.reply_estimate(wa_id, replies_used)),
            template: rates.estimate(wa_id, Category::Utility, false),
            free_replies_left: rates.free_replies_left(replies_used),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley::domain::service_window::ServiceWindow;
    use parley::domain::ContactId;

    fn indian_contact() -> Contact {
        let id = ContactId::parse("0123456789abcdef01234567").expect("a valid id");
        let mut contact = Contact::blank(id, "pn", Millis(0));
        contact.wa_id = Some("919812345678".into());
        contact
    }

    #[test]
    fn a_closed_window_offers_no_free_form_reply_and_prices_the_template() {
        let view = ReplyEstimateView::new(&indian_contact(), &RateCards::default(), Millis(1_000), 0);
        assert!(!view.window_open && view.reply.is_none() && view.closes_at.is_none());
        assert_eq!((view.template.category, view.template.free), (Category::Utility, false));
        assert_eq!((view.template.amount_minor, view.template.currency.as_str()), (12, "INR"));
    }

    #[test]
    fn inside_the_window_a_reply_costs_the_rate_cards_service_price() {
        let mut contact = indian_contact();
        contact.window = ServiceWindow::opened_by(Millis(0), false);
        let view = ReplyEstimateView::new(&contact, &RateCards::default(), Millis(1_000), 0);
        let reply = view.reply.expect("a free-form reply is allowed");
        assert!(view.window_open && view.closes_at.is_some());
        assert_eq!((reply.category, reply.free, reply.amount_minor), (Category::Service, true, 0));
    }
}
