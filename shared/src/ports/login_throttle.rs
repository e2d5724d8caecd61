//! Counting sign-in attempts so that passwords cannot be guessed at speed.

use super::StoreError;
use crate::domain::login_throttle::{AttemptCounts, LoginAttempt};
use async_trait::async_trait;

/// Sign-in attempts per e-mail × source, per source and per e-mail, in
/// fixed windows.
#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// Counts a sign-in attempt against its three counters, atomically and
    /// before the password is checked; the counts including this attempt.
    async fn count_login_attempt(&self, attempt: &LoginAttempt) -> Result<AttemptCounts, StoreError>;
    /// After a success: forgets the e-mail × source counter and gives the
    /// source its attempt back (so an office behind one address is not
    /// locked by its own sign-ins).
    async fn forgive_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError>;
}
