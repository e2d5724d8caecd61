//! A staff member's own notifications: the bell's list and unread count.

use super::{Page, PageRequest, StoreError};
use crate::domain::notification::Notification;
use async_trait::async_trait;

/// Reading and marking one recipient's notifications.
#[async_trait]
pub trait NotificationInbox: Send + Sync {
    /// Newest first.
    async fn notifications(&self, recipient: &str, page: &PageRequest) -> Result<Page<Notification>, StoreError>;
    /// How many are unread, from a counter (no listing).
    async fn unread_count(&self, recipient: &str) -> Result<u64, StoreError>;
    /// Marks one read; `false` when the recipient has no such notification.
    async fn mark_read(&self, recipient: &str, id: &str) -> Result<bool, StoreError>;
    /// Marks every unread one read; how many were.
    async fn mark_all_read(&self, recipient: &str) -> Result<u64, StoreError>;
}
