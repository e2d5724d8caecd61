//! The answer to a template sync.

use serde::Serialize;

/// How many templates (one per name and language) the catalog holds after a
/// sync from the WhatsApp Business Account.
#[derive(Serialize)]
pub struct TemplatesSyncedView {
    synced: usize,
}

impl TemplatesSyncedView {
    /// A sync that stored `synced` templates.
    pub fn new(synced: usize) -> Self {
        TemplatesSyncedView { synced }
    }
}
