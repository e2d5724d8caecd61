//! Which WhatsApp Business Account each business number sends from. An
//! account owns its template catalog and may have its own access token, so
//! a reply from a number uses that account's templates and token. Numbers
//! nobody set up, or set up without an account, and numbers of the
//! deployment's own account (`WHATSAPP_WABA_ID`) are the deployment's own:
//! `None` everywhere, as templates synced before there were others are.

use super::number_profile::NumberProfile;
use std::collections::{BTreeSet, HashMap};

/// Business numbers by the account they belong to, when it is not the
/// deployment's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberAccounts {
    other: HashMap<String, String>,
}

impl NumberAccounts {
    /// From the numbers admins set up, beside the deployment's own account.
    pub fn of(profiles: &[NumberProfile], own_waba_id: &str) -> Self {
        let other = profiles
            .iter()
            .filter_map(|p| {
                let waba = p.waba_id.as_deref().filter(|w| !w.is_empty() && *w != own_waba_id)?;
                Some((p.phone_number_id.clone(), waba.to_owned()))
            })
            .collect();
        NumberAccounts { other }
    }

    /// The account number `phone_number_id` sends from (`None`: the
    /// deployment's own).
    pub fn account_of(&self, phone_number_id: &str) -> Option<&str> {
        self.other.get(phone_number_id).map(String::as_str)
    }

    /// Every account other than the deployment's own, once each.
    pub fn other_accounts(&self) -> BTreeSet<&str> {
        self.other.values().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Millis;

    fn profile(id: &str, waba: Option<&str>) -> NumberProfile {
        NumberProfile {
            phone_number_id: id.to_owned(),
            name: id.to_owned(),
            display_phone: None,
            waba_id: waba.map(str::to_owned),
            default_owner: None,
            updated_at: Millis(1),
        }
    }

    #[test]
    fn only_numbers_of_another_account_leave_the_deployment_s_own() {
        let profiles = [
            profile("1", Some("900")),
            profile("2", Some("700")),
            profile("3", None),
            profile("4", Some("")),
            profile("5", Some("700")),
        ];
        let accounts = NumberAccounts::of(&profiles, "900");
        assert_eq!(accounts.account_of("1"), None, "the deployment's own account");
        assert_eq!(accounts.account_of("2"), Some("700"));
        assert_eq!(accounts.account_of("3"), None, "no account named");
        assert_eq!(accounts.account_of("4"), None);
        assert_eq!(accounts.account_of("6"), None, "a number nobody set up");
        assert_eq!(accounts.other_accounts().into_iter().collect::<Vec<_>>(), vec!["700"]);
    }
}
