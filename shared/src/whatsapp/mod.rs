//! Meta's WhatsApp Cloud API wire formats.

pub mod calls;
pub mod coexistence;
pub mod inbound;
pub mod interactive_message;
pub mod number_standing;
pub mod send;
pub mod signature;
pub mod status;
pub mod subscription;
pub mod template_catalog;
pub mod template_message;
pub mod template_status;
pub mod webhook;

pub use signature::{sign, verify_signature, SignatureError};
pub use webhook::{parse_webhook, WebhookBatch, WebhookError};
