//! A teammate as the API shows it.

use parley::domain::User;
use serde::Serialize;

/// A teammate; never the password hash. `invited` is true until the teammate
/// accepts the invitation and sets a password.
#[derive(Serialize)]
pub struct UserView {
    email: String,
    name: String,
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
