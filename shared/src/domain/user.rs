//! Staff who use Parley.

use serde::{Deserialize, Serialize};

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Owns the deployment: everything, including the team.
    Admin,
    /// Sees and reassigns all conversations, reads reports and audit.
    Manager,
    /// Works their own and unassigned conversations.
    Agent,
}

impl Role {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
        }
    }

    /// Parses the API's name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "admin" | "owner" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// A staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Login e-mail, lower-cased; the user's key.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Deactivated users cannot log in.
    pub active: bool,
    /// Takes new conversations in round-robin routing.
    pub available: bool,
    /// Invited and not yet accepted: inviting the e-mail again replaces the
    /// invitation. Deactivating the user ends this.
    pub invited: bool,
    /// When the password last changed; sessions signed in before it are over.
    pub password_changed_at: super::Millis,
}

impl Role {
    /// Invites, deactivates and changes roles.
    pub fn manages_team(self) -> bool {
        self == Role::Admin
    }

    /// Reads reports and the audit log, reassigns anyone's conversations.
    pub fn supervises(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

/// Normalises an e-mail for use as a key.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
