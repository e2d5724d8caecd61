//! The local stack's runner: one origin that plays API Gateway over the very
//! handlers the Lambdas run, plus the bootstrap that creates the table (and,
//! later, queues and buckets) from template.yaml's own definitions.

pub mod bootstrap;
pub mod drivers;
pub mod event_bus;
pub mod event_stream;
pub mod event_wiring;
pub mod live_sockets;
pub mod local_scheduler;
pub mod media;
pub mod server;
pub mod template;
pub mod transaction_conflicts;
pub mod webhooks;

pub use server::{LocalConfig, LocalStack};
