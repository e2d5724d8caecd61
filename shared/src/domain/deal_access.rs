//! Who may see, change and own a deal. A deal follows its conversation:
//! whoever may see the contact sees its deals, and an agent also sees the
//! deals they own wherever the conversation went.

use super::conversation::{Conversation, Viewer};
use super::pipeline::Deal;

impl Viewer {
    /// Whether they may see `deal`, whose contact's conversation is
    /// `conversation` (`None` when the contact is gone): their own deals and
    /// every deal of a conversation they can see.
    pub fn can_see_deal(&self, deal: &Deal, conversation: Option<&Conversation>) -> bool {
        self.sees_all() || self.owns(deal) || conversation.is_some_and(|c| self.can_see(c))
    }

    /// Whether they may edit or move `deal`: managers and admins any; agents
    /// their own, and unowned deals of conversations they can see.
    pub fn can_change_deal(&self, deal: &Deal, conversation: Option<&Conversation>) -> bool {
        if self.role != super::Role::Agent || self.owns(deal) {
            return true;
        }
        deal.owner.is_none() && self.can_see_deal(deal, conversation)
    }

    /// Whether they may make `owner` a deal's owner (`None` = nobody):
    /// agents name themselves, or release a deal.
    pub fn can_name_deal_owner(&self, owner: Option<&str>) -> bool {
        self.role != super::Role::Agent || owner.is_none_or(|o| o == self.email)
    }

    /// Whether the deal is theirs, so that no contact lookup is needed.
    pub fn owns(&self, deal: &Deal) -> bool {
        deal.owner.as_deref() == Some(self.email.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::identity::IdentityKey;
    use crate::domain::{BusinessNumber, ContactId, Millis, Role};

    fn viewer(role: Role) -> Viewer {
        Viewer { email: "a@x".into(), role, agents_see_all: false }
    }

    fn deal(owner: Option<&str>) -> Deal {
        Deal {
            id: "d".into(),
            contact_id: ContactId::derive(
                &crate::domain::ContactIdKey::new("a test key long enough for contact ids").unwrap(),
                &BusinessNumber("1".into()),
                &IdentityKey::WaId("2".into()),
            ),
            pipeline: "sales".into(),
            stage: "enquiry".into(),
            title: "t".into(),
            value_minor: 1,
            currency: "INR".into(),
            owner: owner.map(str::to_owned),
            expected_close: None,
            custom_fields: Default::default(),
            history: vec![],
            created_at: Millis(0),
            updated_at: Millis(0),
        }
    }

    fn conversation(owner: Option<&str>) -> Conversation {
        Conversation { owner: owner.map(str::to_owned), ..Conversation::default() }
    }

    #[test]
    fn agents_see_their_deals_and_those_of_conversations_they_see() {
        let a = viewer(Role::Agent);
        assert!(a.can_see_deal(&deal(Some("a@x")), Some(&conversation(Some("b@x")))), "theirs, anywhere");
        assert!(a.can_see_deal(&deal(Some("b@x")), Some(&conversation(None))), "an unassigned conversation's");
        assert!(a.can_see_deal(&deal(None), Some(&conversation(Some("a@x")))));
        assert!(!a.can_see_deal(&deal(None), Some(&conversation(Some("b@x")))));
        assert!(!a.can_see_deal(&deal(Some("b@x")), Some(&conversation(Some("b@x")))));
        assert!(!a.can_see_deal(&deal(None), None), "a deal whose contact is gone");
        assert!(viewer(Role::Manager).can_see_deal(&deal(Some("b@x")), None));
        let widened = Viewer { agents_see_all: true, ..viewer(Role::Agent) };
        assert!(widened.can_see_deal(&deal(Some("b@x")), Some(&conversation(Some("b@x")))));
    }

    #[test]
    fn agents_change_their_own_and_unowned_visible_deals() {
        let a = viewer(Role::Agent);
        assert!(a.can_change_deal(&deal(Some("a@x")), None));
        assert!(a.can_change_deal(&deal(None), Some(&conversation(None))));
        assert!(!a.can_change_deal(&deal(None), Some(&conversation(Some("b@x")))), "out of sight");
        assert!(!a.can_change_deal(&deal(Some("b@x")), Some(&conversation(None))), "a teammate's");
        assert!(viewer(Role::Admin).can_change_deal(&deal(Some("b@x")), None));
    }

    #[test]
    fn agents_name_only_themselves_as_owner() {
        let a = viewer(Role::Agent);
        assert!(a.can_name_deal_owner(Some("a@x")));
        assert!(a.can_name_deal_owner(None));
        assert!(!a.can_name_deal_owner(Some("b@x")));
        assert!(viewer(Role::Manager).can_name_deal_owner(Some("b@x")));
    }
}
