//! Open live-push sockets, so that a change can find who to tell.

use super::StoreError;
use crate::domain::live_connection::LiveConnection;
use crate::domain::Role;
use async_trait::async_trait;

/// Where live connections are kept (each with a TTL).
#[async_trait]
pub trait LiveConnections: Send + Sync {
    /// Records an opened socket (a repeat replaces it).
    async fn put_connection(&self, connection: &LiveConnection) -> Result<(), StoreError>;
    /// Forgets a socket; forgetting one that is gone is not an error.
    async fn delete_connection(&self, id: &str) -> Result<(), StoreError>;
    /// The open sockets of one staff member.
    async fn connections_of(&self, email: &str) -> Result<Vec<LiveConnection>, StoreError>;
    /// The open sockets of everyone with `role`.
    async fn connections_with_role(&self, role: Role) -> Result<Vec<LiveConnection>, StoreError>;
}
