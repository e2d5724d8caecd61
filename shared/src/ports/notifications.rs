//! Raising notifications for staff.

use super::StoreError;
use crate::domain::notification::Notification;
use async_trait::async_trait;

/// Where notifications are raised. Reading and marking them read belong to
/// the notification inbox; raising is all automation needs.
#[async_trait]
pub trait Notifications: Send + Sync {
    /// Stores it in its recipient's list, unread; the same id again changes nothing.
    async fn notify(&self, notification: &Notification) -> Result<(), StoreError>;
}
