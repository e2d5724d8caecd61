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
}

impl ReplyEstimateView {
    /// The estimate for `contact` at `now`, priced with `rates`.
    pub fn new(contact: &Contact, rates: &RateCards, now: Millis) -> Self {
        let open = contact.window.is_open(now);
        let wa_id = contact.wa_id.as_deref();
        ReplyEstimateView {
            window_open: open,
            closes_at: if open { contact.window.closes_at().map(Millis::to_rfc3339) } else { None },
            reply: open.then(|| rates.estimate(wa_id, Category::Service, true)),
            template: rates.estimate(wa_id, Category::Utility, false),
        }
    }
}
