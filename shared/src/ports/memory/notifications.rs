//! Notifications a test reads back.

use crate::domain::notification::Notification;
use crate::ports::{Notifications, StoreError};
use async_trait::async_trait;
use std::sync::Mutex;

/// Notifications kept in a list, once per id.
#[derive(Debug, Default)]
pub struct MemoryNotifications(Mutex<Vec<Notification>>);

impl MemoryNotifications {
    /// Every notification raised, oldest first.
    pub fn raised(&self) -> Vec<Notification> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

#[async_trait]
impl Notifications for MemoryNotifications {
    async fn notify(&self, notification: &Notification) -> Result<(), StoreError> {
        let mut raised = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !raised.iter().any(|n| n.id == notification.id) {
            raised.push(notification.clone());
        }
        Ok(())
    }
}

#[async_trait]
impl crate::ports::NotificationInbox for MemoryNotifications {
    async fn notifications(
        &self,
        recipient: &str,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<Notification>, StoreError> {
        let mut mine: Vec<Notification> = self.raised().into_iter().filter(|n| n.recipient == recipient).collect();
        mine.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        let start: usize = page.cursor.as_deref().map_or(Ok(0), str::parse).map_err(|_| StoreError::BadCursor)?;
        let limit = page.limit.unwrap_or(50).clamp(1, 100) as usize;
        let items: Vec<Notification> = mine.iter().skip(start).take(limit).cloned().collect();
        let next_cursor = (start + limit < mine.len()).then(|| (start + limit).to_string());
        Ok(crate::ports::Page { items, next_cursor })
    }

    async fn unread_count(&self, recipient: &str) -> Result<u64, StoreError> {
        Ok(self.raised().iter().filter(|n| n.recipient == recipient && !n.read).count() as u64)
    }

    async fn mark_read(&self, recipient: &str, id: &str) -> Result<bool, StoreError> {
        let mut raised = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let found = raised.iter_mut().find(|n| n.recipient == recipient && n.id == id);
        Ok(found.map(|n| n.read = true).is_some())
    }

    async fn mark_all_read(&self, recipient: &str) -> Result<u64, StoreError> {
        let mut raised = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut count = 0;
        for n in raised.iter_mut().filter(|n| n.recipient == recipient && !n.read) {
            n.read = true;
            count += 1;
        }
        Ok(count)
    }
}
