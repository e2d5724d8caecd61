//! Meta's WhatsApp Cloud API, as the use cases need it.

use crate::domain::template::Template;
use crate::whatsapp::send::{SendOutcome, SendRequest};
use async_trait::async_trait;

/// The WhatsApp Cloud API.
#[async_trait]
pub trait WhatsAppClient: Send + Sync {
    /// Sends one message.
    async fn send(&self, request: &SendRequest) -> SendOutcome;
    /// The business account's templates.
    async fn templates(&self) -> Result<Vec<Template>, String>;
}
