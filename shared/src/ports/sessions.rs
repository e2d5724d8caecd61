//! Signed-in staff sessions.

use super::StoreError;
use crate::domain::Session;
use async_trait::async_trait;

/// Sessions, keyed by the hash of their cookie token.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores (or replaces) a session.
    async fn put_session(&self, session: &Session) -> Result<(), StoreError>;
    /// A session by token hash (expired ones included; the caller checks).
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
}
