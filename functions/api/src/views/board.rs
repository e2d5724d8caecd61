//! A pipeline's board.

use super::DealView;
use parley::app::deals::Column;
use parley::domain::pipeline::{Pipeline, Stage};
use schemars::JsonSchema;
use serde::Serialize;

/// Every stage of a pipeline, in order, with the first page of its deals.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Board")]
pub struct BoardView {
    pipeline: String,
    name: String,
    columns: Vec<ColumnView>,
}

/// One stage's first page; `value_minor` adds up the deals on that page.
/// Further pages come from the stage's own list.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "BoardColumn")]
pub struct ColumnView {
    stage: Stage,
    items: Vec<DealView>,
    next_cursor: Option<String>,
    value_minor: i64,
}

impl BoardView {
    /// The board of `pipeline` from its columns.
    pub fn new(pipeline: Pipeline, columns: Vec<Column>) -> Self {
        let columns = columns
            .into_iter()
            .map(|c| ColumnView {
                stage: c.stage,
                items: c.page.items.into_iter().map(DealView::from).collect(),
                next_cursor: c.page.next_cursor,
                value_minor: c.value_minor,
            })
            .collect();
        BoardView { pipeline: pipeline.id, name: pipeline.name, columns }
    }
}
