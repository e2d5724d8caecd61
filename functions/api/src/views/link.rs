//! A one-time link: an invitation or a password reset.

use parley::app::team::{Invitation, LinkKind};
use schemars::JsonSchema;
use serde::Serialize;

/// The link an administrator passes on to the teammate out of band; the token
/// works once, until `expires_at`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Link")]
pub struct LinkView {
    email: String,
    /// `invitation` or `password_reset`.
    #[schemars(extend("enum" = ["invitation", "password_reset"]))]
    kind: &'static str,
    /// The UI path that accepts it, token included.
    invite_path: String,
    token: String,
    expires_at: String,
}

impl From<Invitation> for LinkView {
    fn from(i: Invitation) -> Self {
        LinkView {
            kind: match i.kind {
                LinkKind::Invitation => "invitation",
                LinkKind::PasswordReset => "password_reset",
            },
            invite_path: format!("/#accept={}", i.token),
            email: i.email,
            token: i.token,
            expires_at: i.expires_at.to_rfc3339(),
        }
    }
}
