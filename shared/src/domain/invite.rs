//! A one-time link that sets a password.

use super::Millis;

/// A one-time link that sets a password: an invitation or a reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// SHA-256 of the link's token; the token itself is never stored.
    pub token_hash: String,
    /// Whose password it sets.
    pub email: String,
    /// When it stops working.
    pub expires_at: Millis,
}
