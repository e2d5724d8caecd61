//! The answer to a password change.

use schemars::JsonSchema;
use serde::Serialize;

/// Confirms the new password took; by then every other session of `email` has ended.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "PasswordChanged")]
pub struct PasswordChangedView {
    email: String,
    password_changed: bool,
}

impl PasswordChangedView {
    /// The confirmation for `email`.
    pub fn new(email: String) -> Self {
        PasswordChangedView { email, password_changed: true }
    }
}
