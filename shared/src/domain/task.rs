//! Follow-ups: a thing to do, for someone, by a time.

use super::{ContactId, Millis};
use serde::{Deserialize, Serialize};

/// A task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Id.
    pub id: String,
    /// What to do.
    pub title: String,
    /// By when.
    pub due_at: Millis,
    /// Who does it.
    pub owner: String,
    /// About which contact.
    pub contact_id: Option<ContactId>,
    /// About which deal.
    pub deal_id: Option<String>,
    /// Done yet.
    pub done: bool,
    /// When it was done.
    pub done_at: Option<Millis>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: Millis,
    /// A follow-up "unless the customer replies": a customer message after
    /// `created_at` cancels it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancel_on_reply: bool,
    /// When its due wake-up fired (claimed once; a snooze clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fired_at: Option<Millis>,
    /// When a customer reply cancelled it; a cancelled task is also done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<Millis>,
    /// An approved template sent to the customer when it falls due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<super::follow_up_template::FollowUpTemplate>,
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Past due and not done.
    Overdue,
    /// Due from now until the end of the business day.
    Today,
    /// Open and due after today, soonest first.
    Upcoming,
    /// Everything open, soonest first.
    Open,
    /// Completed recently (see `DONE_WINDOW_DAYS`), most recently done first.
    Done,
}

/// How far back the done list reaches: long enough to find what was just
/// ticked off by mistake, short enough to stay a handful of queries.
pub const DONE_WINDOW_DAYS: i64 = 14;

/// The end of the business day containing `now`, for a business whose
/// clocks run `utc_offset_minutes` ahead of UTC.
pub fn end_of_day(now: Millis, utc_offset_minutes: i64) -> Millis {
    const DAY: i64 = 86_400_000;
    let offset = utc_offset_minutes * 60_000;
    let local = now.0 + offset;
    Millis(local - local.rem_euclid(DAY) + DAY - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_business_day_ends_at_local_midnight() {
        // 2026-11-23T20:00Z is 01:30 on the 24th in India (+05:30).
        let now = Millis(1_795_464_000_000);
        assert_eq!(end_of_day(now, 0).to_rfc3339(), "2026-11-24T00:00:00Z");
        assert_eq!(end_of_day(now, 330).to_rfc3339(), "2026-11-24T18:30:00Z");
    }
}
