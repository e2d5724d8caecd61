//! The HTTP POST to a webhook receiver.

use crate::domain::AttemptError;
use std::time::Duration;

/// Posts signed deliveries.
#[async_trait::async_trait]
pub trait WebhookPoster: Send + Sync {
    /// POSTs `body` as JSON to `url` with `headers`, waiting at most
    /// `timeout`; the receiver's status code, or why there was none.
    async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: &str,
        timeout: Duration,
    ) -> Result<u16, AttemptError>;
}
