//! The way a notice reaches an open socket: API Gateway's management API in
//! AWS, the local runner's own sockets locally.

use async_trait::async_trait;

/// Sends text down one socket.
#[async_trait]
pub trait PushChannel: Send + Sync {
    /// Posts `text` to connection `id`.
    async fn post(&self, id: &str, text: &str) -> Result<(), PushError>;
}

/// How a post fails.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The socket is closed for good (API Gateway's 410 Gone): forget it.
    #[error("connection gone")]
    Gone,
    /// The push service failed; another post may succeed.
    #[error("push unavailable: {0}")]
    Unavailable(String),
}
