//! Live-push connections in a map, and a push channel that records what it
//! posted and answers "gone" for the sockets a test closed.

use crate::domain::live_connection::LiveConnection;
use crate::domain::Role;
use crate::ports::{LiveConnections, PushChannel, PushError, StoreError};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

/// Connections by id.
#[derive(Debug, Default)]
pub struct MemoryLiveConnections(Mutex<BTreeMap<String, LiveConnection>>);

impl MemoryLiveConnections {
    /// The ids of every stored connection.
    pub fn ids(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).keys().cloned().collect()
    }

    fn matching(&self, keep: impl Fn(&LiveConnection) -> bool) -> Vec<LiveConnection> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).values().filter(|c| keep(c)).cloned().collect()
    }
}

#[async_trait]
impl LiveConnections for MemoryLiveConnections {
    async fn put_connection(&self, connection: &LiveConnection) -> Result<(), StoreError> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert(connection.id.clone(), connection.clone());
        Ok(())
    }

    async fn delete_connection(&self, id: &str) -> Result<(), StoreError> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
        Ok(())
    }

    async fn connections_of(&self, email: &str) -> Result<Vec<LiveConnection>, StoreError> {
        Ok(self.matching(|c| c.email == email))
    }

    async fn connections_with_role(&self, role: Role) -> Result<Vec<LiveConnection>, StoreError> {
        Ok(self.matching(|c| c.role == role))
    }
}

/// Records posts; sockets marked closed answer [`PushError::Gone`].
#[derive(Debug, Default)]
pub struct RecordingPush {
    posted: Mutex<Vec<(String, String)>>,
    closed: Mutex<BTreeSet<String>>,
}

impl RecordingPush {
    /// Every `(connection id, text)` delivered, in order.
    pub fn posted(&self) -> Vec<(String, String)> {
        self.posted.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The connection ids delivered to, sorted.
    pub fn recipients(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.posted().into_iter().map(|(id, _)| id).collect();
        ids.sort();
        ids
    }

    /// From now on, socket `id` is gone.
    pub fn close(&self, id: &str) {
        self.closed.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_owned());
    }
}

#[async_trait]
impl PushChannel for RecordingPush {
    async fn post(&self, id: &str, text: &str) -> Result<(), PushError> {
        if self.closed.lock().unwrap_or_else(PoisonError::into_inner).contains(id) {
            return Err(PushError::Gone);
        }
        self.posted.lock().unwrap_or_else(PoisonError::into_inner).push((id.to_owned(), text.to_owned()));
        Ok(())
    }
}
