//! The answer to erasing a contact's personal data.

use schemars::JsonSchema;
use serde::Serialize;

/// The contact whose personal data is gone; aggregates (counts, reports)
/// are kept.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Erased")]
pub struct ErasedView {
    id: String,
    erased: bool,
    /// How many stored items were removed.
    removed_items: usize,
}

impl ErasedView {
    /// Contact `id` (as the caller wrote it), erased by removing `removed_items` items.
    pub fn new(id: String, removed_items: usize) -> Self {
        ErasedView { id, erased: true, removed_items }
    }
}
