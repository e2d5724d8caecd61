//! A signed-in staff session.

use super::{Millis, Role};

/// A signed-in staff session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie token; the token itself is never stored.
    pub token_hash: String,
    /// Whose session.
    pub email: String,
    /// Their role when they signed in.
    pub role: Role,
    /// When it was signed in (or last confirmed by a password change); a
    /// password change ends the sessions issued before it.
    pub issued_at: Millis,
    /// When it stops working.
    pub expires_at: Millis,
}
