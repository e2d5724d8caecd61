//! How far each person has read each conversation.

use super::StoreError;
use crate::domain::{ContactId, Millis};
use async_trait::async_trait;
use std::collections::HashMap;

/// Per-person read markers, kept under their contact (so erasure and
/// merging find them).
#[async_trait]
pub trait ReadMarkers: Send + Sync {
    /// Moves `user`'s marker on `contact` forward to `through` (the time of
    /// the newest inbound message they have seen); a marker already at or
    /// past it stays. `true` when it moved.
    async fn mark_read(&self, contact: &ContactId, user: &str, through: Millis) -> Result<bool, StoreError>;

    /// `user`'s markers on `contacts` (absent: never read).
    async fn read_through(&self, user: &str, contacts: &[ContactId]) -> Result<HashMap<ContactId, Millis>, StoreError>;
}
