//! Settings. Each function parses its own settings struct once at cold start
//! from an [`Environment`] and fails fast, naming the variable, on a value it
//! cannot use. Secrets are named in [`secrets`]; they are fetched on first use
//! (never at init) by [`crate::adapters::secrets_manager`].

mod cloud_api;
mod environment;
pub mod secrets;

pub use cloud_api::{own_waba_id, CloudApiSettings};
pub use environment::{ConfigError, Environment};
