//! The answer to a template sync.

use parley::app::template_catalogs::AccountSynced;
use schemars::JsonSchema;
use serde::Serialize;

/// How many templates (one per name and language) were read from each
/// WhatsApp Business Account, and which could not be read.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "TemplatesSynced")]
pub struct TemplatesSyncedView {
    /// Templates read from every account together.
    synced: usize,
    /// Each account, the deployment's own first.
    accounts: Vec<AccountSyncedView>,
}

/// One account's sync.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AccountSynced")]
pub struct AccountSyncedView {
    /// The account; `null` for the deployment's own.
    waba_id: Option<String>,
    /// Templates read from it.
    templates: usize,
    /// Why it could not be read (its templates were left as they were).
    error: Option<String>,
}

impl TemplatesSyncedView {
    /// A sync's outcome, account by account.
    pub fn new(accounts: &[AccountSynced]) -> Self {
        TemplatesSyncedView {
            synced: accounts.iter().map(|a| a.templates).sum(),
            accounts: accounts
                .iter()
                .map(|a| AccountSyncedView {
                    waba_id: a.waba_id.clone(),
                    templates: a.templates,
                    error: a.error.as_ref().map(ToString::to_string),
                })
                .collect(),
        }
    }
}
