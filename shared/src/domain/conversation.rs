//! The conversation with a contact: who owns it, whose turn it is, and how
//! fast the team answered.

use super::{Millis, Role};
use serde::{Deserialize, Serialize};

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Opened by staff, nobody is waiting.
    Open,
    /// The customer wrote last: the team owes an answer.
    WaitingOnUs,
    /// The team wrote last: the customer owes an answer.
    WaitingOnCustomer,
    /// Done; the customer's next message reopens it.
    Closed,
}

impl ConversationStatus {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::WaitingOnUs => "waiting_on_us",
            ConversationStatus::WaitingOnCustomer => "waiting_on_customer",
            ConversationStatus::Closed => "closed",
        }
    }

    /// Parses the API's name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(ConversationStatus::Open),
            "waiting_on_us" => Some(ConversationStatus::WaitingOnUs),
            "waiting_on_customer" => Some(ConversationStatus::WaitingOnCustomer),
            "closed" => Some(ConversationStatus::Closed),
            _ => None,
        }
    }
}

/// The conversation state kept on the contact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversation {
    /// The teammate who owns it; `None` is the unassigned queue.
    pub owner: Option<String>,
    /// Where it stands; `None` before anyone wrote.
    pub status: Option<ConversationStatus>,
    /// Since when the customer has been waiting for an answer.
    pub awaiting_since: Option<Millis>,
    /// How long the first answer took, in milliseconds.
    pub first_response_ms: Option<i64>,
}

/// Who is asking, for visibility rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Their e-mail.
    pub email: String,
    /// Their role.
    pub role: Role,
    /// The setting that lets agents see every conversation.
    pub agents_see_all: bool,
}

impl Viewer {
    /// Whether they see every conversation.
    pub fn sees_all(&self) -> bool {
        self.role != Role::Agent || self.agents_see_all
    }

    /// Whether they may see this conversation: managers and admins see all;
    /// agents see the unassigned queue and their own.
    pub fn can_see(&self, conversation: &Conversation) -> bool {
        self.sees_all() || conversation.owner.as_deref().is_none_or(|owner| owner == self.email)
    }

    /// Whether they may give `conversation` to `new_owner` (`None` = unassign).
    /// Agents may take an unassigned conversation or hand back their own.
    pub fn can_assign(&self, conversation: &Conversation, new_owner: Option<&str>) -> bool {
        if self.role != Role::Agent {
            return true;
        }
        match (conversation.owner.as_deref(), new_owner) {
            (None, Some(me)) => me == self.email,
            (Some(current), None) => current == self.email,
            (Some(current), Some(me)) => current == self.email && me == self.email,
            (None, None) => true,
        }
    }
}

/// Whether a conversation waiting since `since` has broken the SLA at `now`.
pub fn is_overdue(since: Millis, sla_minutes: i64, now: Millis) -> bool {
    now.0 - since.0 > sla_minutes * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(email: &str) -> Viewer {
        Viewer { email: email.into(), role: Role::Agent, agents_see_all: false }
    }

    fn owned(by: Option<&str>) -> Conversation {
        Conversation { owner: by.map(str::to_owned), ..Conversation::default() }
    }

    #[test]
    fn agents_see_unassigned_and_their_own() {
        let a = agent("a@x");
        assert!(a.can_see(&owned(None)));
        assert!(a.can_see(&owned(Some("a@x"))));
        assert!(!a.can_see(&owned(Some("b@x"))));
        let widened = Viewer { agents_see_all: true, ..a };
        assert!(widened.can_see(&owned(Some("b@x"))));
        let manager = Viewer { email: "m@x".into(), role: Role::Manager, agents_see_all: false };
        assert!(manager.can_see(&owned(Some("b@x"))));
    }

    #[test]
    fn agents_claim_and_release_but_do_not_reassign_others() {
        let a = agent("a@x");
        assert!(a.can_assign(&owned(None), Some("a@x")));
        assert!(!a.can_assign(&owned(None), Some("b@x")));
        assert!(a.can_assign(&owned(Some("a@x")), None));
        assert!(!a.can_assign(&owned(Some("b@x")), Some("a@x")));
        let manager = Viewer { email: "m@x".into(), role: Role::Manager, agents_see_all: false };
        assert!(manager.can_assign(&owned(Some("b@x")), Some("a@x")));
    }

    #[test]
    fn overdue_after_the_sla() {
        assert!(!is_overdue(Millis(0), 15, Millis(15 * 60_000)));
        assert!(is_overdue(Millis(0), 15, Millis(15 * 60_000 + 1)));
    }
}
