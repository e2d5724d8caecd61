//! The WhatsApp Business Accounts the numbers belong to, for admins.

use parley::app::account_settings::AccountStanding;
use schemars::JsonSchema;
use serde::Serialize;

/// One account.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Account")]
pub struct AccountView {
    /// The WhatsApp Business Account's id.
    waba_id: String,
    /// Whether it is the deployment's own (its token is the stack's).
    deployment_own: bool,
    /// The `phone_number_id`s set up in it.
    numbers: Vec<String>,
    /// `own` when an admin gave it a token of its own, `system_user` when
    /// the stack's token serves it.
    token: &'static str,
}

/// Every account, the deployment's own first.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AccountList")]
pub struct AccountListView {
    /// The accounts.
    items: Vec<AccountView>,
}

impl AccountListView {
    /// The accounts as the use case lists them.
    pub fn new(accounts: Vec<AccountStanding>) -> Self {
        let items = accounts
            .into_iter()
            .map(|a| AccountView {
                waba_id: a.waba_id,
                deployment_own: a.deployment_own,
                numbers: a.numbers,
                token: if a.own_token { "own" } else { "system_user" },
            })
            .collect();
        AccountListView { items }
    }
}
