//! The answer to recording or clearing a marketing opt-out.

use schemars::JsonSchema;
use serde::Serialize;

/// The contact's opt-out as now stored; templates of the marketing category
/// are refused while `opted_out` is true.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "OptOut")]
pub struct OptOutView {
    id: String,
    opted_out: bool,
}

impl OptOutView {
    /// Contact `id` (as the caller wrote it) now opted out or not.
    pub fn new(id: String, opted_out: bool) -> Self {
        OptOutView { id, opted_out }
    }
}
