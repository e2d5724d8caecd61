//! A teammate as the API shows it.

use parley::domain::User;
use schemars::JsonSchema;
use serde::Serialize;

/// A teammate; never the password hash. `invited` is true until the teammate
/// accepts the invitation and sets a password.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "User")]
pub struct UserView {
    email: String,
    name: String,
    #[schemars(extend("enum" = ["admin", "manager", "agent"]))]
    role: &'static str,
    active: bool,
    available: bool,
    invited: bool,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            email: u.email,
            name: u.name,
            role: u.role.as_str(),
            active: u.active,
            available: u.available,
            invited: u.invited,
        }
    }
}
