//! The answer to accepting a one-time link.

use schemars::JsonSchema;
use serde::Serialize;

/// The account the link belonged to, now active with the password just set;
/// the caller still has to sign in.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LinkAccepted")]
pub struct LinkAcceptedView {
    email: String,
    active: bool,
}

impl LinkAcceptedView {
    /// The accepted account of `email`.
    pub fn new(email: String) -> Self {
        LinkAcceptedView { email, active: true }
    }
}
