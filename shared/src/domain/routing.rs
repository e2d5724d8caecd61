//! Who gets a new conversation.

use super::User;

/// The routing rule for conversations nobody owns yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingRule {
    /// Back to the teammate who already owns the contact, else the unassigned queue.
    OwnerOrUnassigned,
    /// Back to the owner, else the next available agent in turn.
    RoundRobin,
}

impl RoutingRule {
    /// Parses `owner_or_unassigned` / `round_robin`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "owner_or_unassigned" | "unassigned" => Some(RoutingRule::OwnerOrUnassigned),
            "round_robin" => Some(RoutingRule::RoundRobin),
            _ => None,
        }
    }
}

/// The `turn`-th available, active agent in e-mail order (a stable rotation).
pub fn next_in_turn(team: &[User], turn: u64) -> Option<&User> {
    let mut eligible: Vec<&User> =
        team.iter().filter(|u| u.active && u.available && u.role == super::Role::Agent).collect();
    eligible.sort_by(|a, b| a.email.cmp(&b.email));
    let count = u64::try_from(eligible.len()).ok().filter(|c| *c > 0)?;
    eligible.get(usize::try_from(turn % count).ok()?).copied()
}

/// The teammate `email` names, when active and available: a number's
/// default owner who is away leaves the conversation to the routing rule.
pub fn available_teammate<'a>(team: &'a [User], email: &str) -> Option<&'a User> {
    team.iter().find(|u| u.email == email && u.active && u.available)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn user(email: &str, role: Role, available: bool) -> User {
        User {
            email: email.into(),
            name: email.into(),
            role,
            password_hash: String::new(),
            active: true,
            available,
            invited: false,
            password_changed_at: crate::domain::Millis(0),
        }
    }

    #[test]
    fn rotates_over_available_agents_only() {
        let team = [
            user("c@x", Role::Agent, true),
            user("a@x", Role::Agent, true),
            user("b@x", Role::Agent, false),
            user("m@x", Role::Manager, true),
        ];
        let picks: Vec<&str> = (0..4).map(|t| next_in_turn(&team, t).unwrap().email.as_str()).collect();
        assert_eq!(picks, ["a@x", "c@x", "a@x", "c@x"]);
        assert!(next_in_turn(&[], 0).is_none());
    }
}
