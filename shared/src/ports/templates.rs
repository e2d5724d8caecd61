//! The message template catalog, as synced from the business account.

use super::StoreError;
use crate::domain::template::Template;
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
}
