//! A change to a teammate's account.

use super::Role;

/// A change to a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// Take (or stop taking) round-robin conversations.
    pub available: Option<bool>,
    /// New display name.
    pub name: Option<String>,
}
