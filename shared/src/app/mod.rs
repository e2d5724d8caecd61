//! Use cases: orchestrate the domain over the ports.

pub mod auth;
pub mod ingest_webhook;

pub use auth::{Auth, AuthError};
pub use ingest_webhook::{IngestError, IngestReport, IngestWebhook};
