//! Opening and closing live-push sockets: a socket opens only with a live
//! staff session, the same check every API request makes.

use super::auth::{Auth, AuthError};
use crate::domain::live_connection::LiveConnection;
use crate::ports::{Clock, LiveConnections, StoreError};
use std::sync::Arc;

/// The connect and disconnect use case.
pub struct LiveSockets {
    auth: Arc<Auth>,
    connections: Arc<dyn LiveConnections>,
    clock: Arc<dyn Clock>,
}

impl LiveSockets {
    /// Wires the use case.
    pub fn new(auth: Arc<Auth>, connections: Arc<dyn LiveConnections>, clock: Arc<dyn Clock>) -> Self {
        LiveSockets { auth, connections, clock }
    }

    /// Records socket `id` for the session behind the cookie `token`;
    /// refused without a live session.
    pub async fn connect(&self, token: Option<&str>, id: &str) -> Result<LiveConnection, AuthError> {
        let session = self.auth.authenticate(token.ok_or(AuthError::NoSession)?).await?;
        let connection = LiveConnection::opened(id, session.email, session.role, self.clock.now());
        self.connections.put_connection(&connection).await?;
        Ok(connection)
    }

    /// Forgets socket `id`.
    pub async fn disconnect(&self, id: &str) -> Result<(), StoreError> {
        self.connections.delete_connection(id).await
    }
}
