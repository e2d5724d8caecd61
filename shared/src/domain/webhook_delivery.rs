//! One event on its way to one webhook subscription, with every attempt.

use super::{EventKind, Millis};

/// How many attempts a delivery log keeps (the oldest are dropped).
pub const MAX_LOGGED_ATTEMPTS: usize = 20;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Queued, or waiting for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver refused it for good (a 4xx other than 408 and 429).
    Failed,
    /// Retried until the attempts ran out: the visible dead letter.
    Dead,
}

impl DeliveryState {
    /// The name the API and the store use.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Dead => "dead",
        }
    }

    /// The state with this name.
    pub fn parse(name: &str) -> Option<Self> {
        [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed, DeliveryState::Dead]
            .into_iter()
            .find(|state| state.as_str() == name)
    }

    /// Whether an admin may send it again.
    pub fn can_redeliver(self) -> bool {
        matches!(self, DeliveryState::Failed | DeliveryState::Dead)
    }
}

/// Why an attempt got no HTTP answer (the class only: never the body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptError {
    /// No answer within the timeout.
    Timeout,
    /// The receiver could not be reached (DNS, refused, TLS).
    Connect,
    /// Anything else on the way.
    Transport,
    /// The subscription was deleted or lost its secret.
    NoSubscription,
}

/// One POST to the receiver.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attempt {
    /// When it started.
    pub at: Millis,
    /// The receiver's status code, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// Why there was no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AttemptError>,
}

impl Attempt {
    /// What this attempt means for the delivery.
    pub fn verdict(&self) -> Verdict {
        match (self.status, self.error) {
            (Some(200..=299), _) => Verdict::Delivered,
            (Some(408 | 429), _) => Verdict::Retry,
            (Some(400..=499), _) => Verdict::Failed,
            (_, Some(AttemptError::NoSubscription)) => Verdict::Failed,
            _ => Verdict::Retry,
        }
    }
}

/// What one attempt decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Done.
    Delivered,
    /// Never retried.
    Failed,
    /// Worth trying again (5xx, 408, 429, a timeout, no connection).
    Retry,
}

/// One delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Derived from the subscription and the event, so the same event
    /// yields the same delivery however often it is published.
    pub id: String,
    /// The subscription.
    pub subscription_id: String,
    /// The event.
    pub event_id: String,
    /// Its kind.
    pub kind: EventKind,
    /// The exact bytes posted (the event JSON), kept for retries and redelivery.
    pub body: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts since it was queued or last redelivered (the retry budget).
    pub tries: u32,
    /// The attempts, oldest first (at most [`MAX_LOGGED_ATTEMPTS`]).
    pub attempts: Vec<Attempt>,
    /// When it was recorded (the event's time: the log's order).
    pub created_at: Millis,
}

/// The exponential backoff between attempts and the attempt budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookRetry {
    /// Attempts before a delivery is dead (at least 1).
    pub max_attempts: u32,
    /// The delay after the first failed attempt.
    pub base_seconds: i32,
    /// The longest delay (SQS allows up to 12 hours of visibility).
    pub max_seconds: i32,
}

impl Default for WebhookRetry {
    /// 8 attempts over about an hour: 30 s, then 1, 2, 4, 8, 16 and 32 minutes (each delay capped at 2 hours).
    fn default() -> Self {
        WebhookRetry { max_attempts: 8, base_seconds: 30, max_seconds: 7_200 }
    }
}

impl WebhookRetry {
    /// The delay before attempt `tries + 1`, after `tries` failed ones
    /// (`tries` ≥ 1): base × 2^(tries−1), capped.
    pub fn delay_after(&self, tries: u32) -> i32 {
        let doublings = tries.saturating_sub(1).min(30);
        let delay = i64::from(self.base_seconds).saturating_mul(1_i64 << doublings);
        delay.min(i64::from(self.max_seconds)).max(0) as i32
    }

    /// What happens after attempt number `tries` decided `verdict`.
    pub fn next(&self, tries: u32, verdict: Verdict) -> Next {
        match verdict {
            Verdict::Delivered => Next::Settle(DeliveryState::Delivered),
            Verdict::Failed => Next::Settle(DeliveryState::Failed),
            Verdict::Retry if tries >= self.max_attempts => Next::Settle(DeliveryState::Dead),
            Verdict::Retry => Next::RetryAfter(self.delay_after(tries)),
        }
    }
}

/// After an attempt: settled, or again in so many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The delivery reached this final state.
    Settle(DeliveryState),
    /// Try again after this many seconds.
    RetryAfter(i32),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(status: Option<u16>, error: Option<AttemptError>) -> Attempt {
        Attempt { at: Millis(0), status, duration_ms: 5, error }
    }

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let retry = WebhookRetry { max_attempts: 10, base_seconds: 30, max_seconds: 600 };
        let delays: Vec<i32> = (1..=7).map(|tries| retry.delay_after(tries)).collect();
        assert_eq!(delays, vec![30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(retry.delay_after(u32::MAX), 600);
        assert_eq!(WebhookRetry::default().delay_after(1), 30);
    }

    #[test]
    fn status_codes_decide_retry_failure_or_success() {
        assert_eq!(attempt(Some(204), None).verdict(), Verdict::Delivered);
        assert_eq!(attempt(Some(404), None).verdict(), Verdict::Failed);
        assert_eq!(attempt(Some(410), None).verdict(), Verdict::Failed);
        assert_eq!(attempt(Some(408), None).verdict(), Verdict::Retry);
        assert_eq!(attempt(Some(429), None).verdict(), Verdict::Retry);
        assert_eq!(attempt(Some(500), None).verdict(), Verdict::Retry);
        assert_eq!(attempt(Some(302), None).verdict(), Verdict::Retry);
        assert_eq!(attempt(None, Some(AttemptError::Timeout)).verdict(), Verdict::Retry);
        assert_eq!(attempt(None, Some(AttemptError::NoSubscription)).verdict(), Verdict::Failed);
    }

    #[test]
    fn the_last_retryable_attempt_makes_it_dead() {
        let retry = WebhookRetry { max_attempts: 3, base_seconds: 2, max_seconds: 60 };
        assert_eq!(retry.next(1, Verdict::Retry), Next::RetryAfter(2));
        assert_eq!(retry.next(2, Verdict::Retry), Next::RetryAfter(4));
        assert_eq!(retry.next(3, Verdict::Retry), Next::Settle(DeliveryState::Dead));
        assert_eq!(retry.next(3, Verdict::Delivered), Next::Settle(DeliveryState::Delivered));
        assert_eq!(retry.next(1, Verdict::Failed), Next::Settle(DeliveryState::Failed));
        assert!(DeliveryState::Dead.can_redeliver() && !DeliveryState::Pending.can_redeliver());
    }
}
