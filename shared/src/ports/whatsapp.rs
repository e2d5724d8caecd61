//! Meta's WhatsApp Cloud API, as the use cases need it.

use crate::domain::template::Template;
use crate::whatsapp::send::{SendOutcome, SendRequest};
use async_trait::async_trait;

/// The WhatsApp Cloud API.
#[async_trait]
pub trait WhatsAppClient: Send + Sync {
    /// Sends one message.
    async fn send(&self, request: &SendRequest) -> SendOutcome;
    /// Account `waba_id`'s templates (`None`: the deployment's own account),
    /// every page of them, marked as that account's.
    async fn templates(&self, waba_id: Option<&str>) -> Result<Vec<Template>, CatalogError>;
}

/// Why the template catalog could not be read. The messages say nothing of
/// URLs or tokens: Meta's paging links carry the access token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The network failed or the Cloud API did not answer in time.
    #[error("the Cloud API could not be reached")]
    Unreachable,
    /// The Cloud API answered with an error status.
    #[error("the Cloud API answered HTTP {0}")]
    Refused(u16),
    /// The answer was not the catalog's JSON.
    #[error("the Cloud API's answer could not be read")]
    Unreadable,
    /// A next-page link pointed away from the configured Cloud API host;
    /// it was not followed, so the token never went there.
    #[error("a next-page link pointed to another host")]
    ForeignPage,
}
