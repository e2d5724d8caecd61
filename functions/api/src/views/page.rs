//! One page of a list.

use parley::ports::Page;
use schemars::JsonSchema;
use serde::Serialize;

/// `{"items": [...], "next_cursor": …}`: pass `next_cursor` back as
/// `?cursor=` for the next page; `null` means this was the last.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub struct PageView<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

impl<T> PageView<T> {
    /// Maps a store page to its view.
    pub fn from_page<U>(page: Page<U>, view: impl FnMut(U) -> T) -> Self {
        PageView { items: page.items.into_iter().map(view).collect(), next_cursor: page.next_cursor }
    }

    /// A list the API returns whole: `next_cursor` is always `null`.
    pub fn whole(items: Vec<T>) -> Self {
        PageView { items, next_cursor: None }
    }
}
