//! Who holds the session.

use parley::domain::Role;
use schemars::JsonSchema;
use serde::Serialize;

/// The signed-in teammate, answered by sign-in and `GET /api/me`; the UI picks
/// which screens to offer from `role`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SignedIn")]
pub struct SignedInView {
    email: String,
    #[schemars(extend("enum" = ["admin", "manager", "agent"]))]
    role: &'static str,
}

impl SignedInView {
    /// The view of a session held by `email` in `role`.
    pub fn new(email: String, role: Role) -> Self {
        SignedInView { email, role: role.as_str() }
    }
}
