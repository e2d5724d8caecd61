//! Parley's core: the WhatsApp CRM domain, the Cloud API wire formats, the
//! ports the use cases need, the AWS and Meta adapters behind them, and the
//! use cases every Lambda function links.
//!
//! The layering follows the hexagonal samples: [`domain`] is pure and
//! synchronous, [`whatsapp`] knows Meta's wire formats, [`ports`] names the
//! I/O the use cases need, [`adapters`] implement those ports at the edge and
//! [`app`] orchestrates them.

pub mod adapters;
pub mod api_error;
pub mod app;
pub mod config;
pub mod domain;
mod json_escape;
pub mod ports;
pub mod quote_pdf;
pub mod telemetry;
pub mod whatsapp;
