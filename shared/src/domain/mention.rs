//! `@name` mentions in a note: which teammates a note names.

use super::User;

/// The active teammates `text` mentions, other than `author`: `@` followed
/// by a teammate's full name, first name, or e-mail's local part, in any
/// case, ending at a non-letter (so `@ann` does not match Anna).
pub fn mentioned<'a>(text: &str, teammates: &'a [User], author: &str) -> Vec<&'a User> {
    let lowered = text.to_lowercase();
    let named = |handle: &str| {
        let needle = format!("@{}", handle.to_lowercase());
        lowered.match_indices(&needle).any(|(at, _)| {
            !lowered[at + needle.len()..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '.')
        })
    };
    teammates
        .iter()
        .filter(|u| u.active && u.email != author)
        .filter(|u| {
            let first = u.name.split_whitespace().next().unwrap_or_default();
            let local = u.email.split('@').next().unwrap_or_default();
            [u.name.trim(), first, local].into_iter().any(|handle| !handle.is_empty() && named(handle))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Millis, Role};

    fn user(email: &str, name: &str) -> User {
        User {
            email: email.into(),
            name: name.into(),
            role: Role::Agent,
            password_hash: "!".into(),
            active: true,
            available: true,
            invited: false,
            password_changed_at: Millis(0),
        }
    }

    #[test]
    fn names_first_names_and_local_parts_match_whole() {
        let team =
            [user("ann@shop.test", "Ann Lee"), user("anna@shop.test", "Anna Roy"), user("raj@shop.test", "Raj K")];
        let emails =
            |text: &str| mentioned(text, &team, "raj@shop.test").iter().map(|u| u.email.clone()).collect::<Vec<_>>();
        assert_eq!(emails("@Ann please call"), ["ann@shop.test"]);
        assert_eq!(emails("ask @anna roy, thanks"), ["anna@shop.test"]);
        assert_eq!(emails("@Ann Lee and @anna"), ["ann@shop.test", "anna@shop.test"]);
        assert!(emails("@raj note to self; mail ann@shop.test").is_empty(), "no self-mention, no bare e-mail");
    }
}
