//! Counting failed sign-ins so that passwords cannot be guessed at speed.

use super::StoreError;
use crate::domain::Millis;
use async_trait::async_trait;

/// Failed sign-ins per e-mail, in fixed windows.
#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// Failed sign-ins in the current window: `(count, window start)`.
    async fn login_failures(&self, email: &str) -> Result<(u32, Millis), StoreError>;
    /// Counts a failed sign-in (a new window starts after `window_ms`).
    async fn record_login_failure(&self, email: &str, now: Millis, window_ms: i64) -> Result<(), StoreError>;
    /// Forgets failed sign-ins after a success.
    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError>;
}
