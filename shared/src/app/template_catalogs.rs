//! Each WhatsApp Business Account's template catalog, synced from Meta and
//! read per business number: the deployment's own account, and each other
//! account a number was set up with. An account Meta cannot be asked about
//! leaves the others synced and its own catalog as it was.

use crate::domain::number_accounts::NumberAccounts;
use crate::ports::{CatalogError, NumberProfileStore, StoreError, TemplateCatalog, WhatsAppClient};
use std::sync::Arc;

/// How one account's sync went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSynced {
    /// The account (`None`: the deployment's own).
    pub waba_id: Option<String>,
    /// Templates read and kept (every language counted).
    pub templates: usize,
    /// Why it could not be read; its catalog was left as it was.
    pub error: Option<CatalogError>,
}

/// The use case.
pub struct TemplateCatalogs {
    whatsapp: Arc<dyn WhatsAppClient>,
    catalog: Arc<dyn TemplateCatalog>,
    numbers: Arc<dyn NumberProfileStore>,
    own_waba_id: String,
}

impl TemplateCatalogs {
    /// Syncs through `whatsapp` into `catalog`, for the accounts of the
    /// numbers `numbers` lists besides `own_waba_id`.
    pub fn new(
        whatsapp: Arc<dyn WhatsAppClient>,
        catalog: Arc<dyn TemplateCatalog>,
        numbers: Arc<dyn NumberProfileStore>,
        own_waba_id: impl Into<String>,
    ) -> Self {
        TemplateCatalogs { whatsapp, catalog, numbers, own_waba_id: own_waba_id.into() }
    }

    /// Every account, the deployment's own first.
    pub async fn sync(&self) -> Result<Vec<AccountSynced>, StoreError> {
        let accounts = self.accounts().await?;
        let mut synced = Vec::new();
        for waba_id in std::iter::once(None).chain(accounts.other_accounts().into_iter().map(Some)) {
            let outcome = match self.whatsapp.templates(waba_id).await {
                Ok(templates) => {
                    self.catalog.put_templates(&templates).await?;
                    AccountSynced { waba_id: waba_id.map(str::to_owned), templates: templates.len(), error: None }
                }
                Err(error) => {
                    tracing::error!(%error, waba_id, "template catalog not synced");
                    AccountSynced { waba_id: waba_id.map(str::to_owned), templates: 0, error: Some(error) }
                }
            };
            synced.push(outcome);
        }
        Ok(synced)
    }

    /// The templates a message from number `phone_number_id` may use: its
    /// account's catalog.
    pub async fn for_number(
        &self,
        phone_number_id: &str,
    ) -> Result<Vec<crate::domain::template::Template>, StoreError> {
        let accounts = self.accounts().await?;
        let account = accounts.account_of(phone_number_id);
        Ok(self.catalog.list_templates().await?.into_iter().filter(|t| t.is_in_account(account)).collect())
    }

    async fn accounts(&self) -> Result<NumberAccounts, StoreError> {
        Ok(NumberAccounts::of(&self.numbers.number_profiles().await?, &self.own_waba_id))
    }
}
