//! The event log over the store's recorded events.

use super::MemoryStore;
use crate::domain::{Event, Millis};
use crate::ports::{EventLog, Page, PageRequest, StoreError};

#[async_trait::async_trait]
impl EventLog for MemoryStore {
    async fn events_between(&self, from: Millis, until: Millis, page: &PageRequest) -> Result<Page<Event>, StoreError> {
        let skip = match page.cursor.as_deref() {
            Some(cursor) => cursor.parse::<usize>().map_err(|_| StoreError::BadCursor)?,
            None => 0,
        };
        let limit = page.limit.map_or(super::PAGE, |l| l.clamp(1, 1_000) as usize);
        let mut window: Vec<Event> = self.events().into_iter().filter(|e| e.at >= from && e.at < until).collect();
        window.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        let items: Vec<Event> = window.iter().skip(skip).take(limit).cloned().collect();
        let next = skip + items.len();
        Ok(Page { next_cursor: (next < window.len()).then(|| next.to_string()), items })
    }
}
