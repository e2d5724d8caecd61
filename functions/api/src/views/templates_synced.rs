//! The answer to a template sync.

use schemars::JsonSchema;
use serde::Serialize;

/// How many templates (one per name and language) the catalog holds after a
/// sync from the WhatsApp Business Account.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "TemplatesSynced")]
pub struct TemplatesSyncedView {
    synced: usize,
}

impl TemplatesSyncedView {
    /// A sync that stored `synced` templates.
    pub fn new(synced: usize) -> Self {
        TemplatesSyncedView { synced }
    }
}
