//! The message template catalog, as synced from the business account.

use super::StoreError;
use crate::domain::template::Template;
use crate::domain::template_status::TemplateStatusChange;
use async_trait::async_trait;

/// Approved templates and their translations.
#[async_trait]
pub trait TemplateCatalog: Send + Sync {
    /// Every translation of a template.
    async fn template_translations(&self, name: &str) -> Result<Vec<Template>, StoreError>;
    /// Replaces the catalog's entries with these.
    async fn put_templates(&self, templates: &[Template]) -> Result<(), StoreError>;
    /// The whole catalog.
    async fn list_templates(&self) -> Result<Vec<Template>, StoreError>;
    /// Keeps a status Meta reported for one translation (and why); `false`
    /// when the catalog does not hold it (the next sync brings it) or holds
    /// a newer change.
    async fn note_template_status(&self, change: &TemplateStatusChange) -> Result<bool, StoreError>;
}
