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
