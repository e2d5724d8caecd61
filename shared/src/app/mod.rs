//! Use cases: orchestrate the domain over the ports.

pub mod auth;
pub mod business_calendar;
pub mod campaign_tracking;
pub mod campaigns;
pub mod consent;
pub mod consent_keywords;
pub mod contact_export;
pub mod contact_imports;
pub mod contact_labels;
pub mod copy_media;
pub mod data_ownership;
pub mod deal_idle_watch;
pub mod deals;
pub mod deliver;
pub mod due_work;
pub mod exports;
pub mod facebook_leads;
pub mod flow_leads;
pub mod follow_up_cancellation;
pub mod inbox;
pub mod index_backfill;
pub mod indiamart_pull;
pub mod ingest_webhook;
pub mod lead_intake;
pub mod lead_sources;
pub mod live_feed;
pub mod live_push;
pub mod live_sockets;
pub mod media_copy_request;
pub mod media_upload;
pub mod missed_call_follow_up;
pub mod notes;
pub mod opt_out;
pub mod quote_delivery;
pub mod quote_replies;
pub mod quotes;
pub mod reactions;
pub mod reports;
pub mod rules;
pub mod send_message;
pub mod sla_watch;
pub mod source_counting;
pub mod source_report;
pub mod staff_notifier;
pub mod sweep;
pub mod sweep_arming;
pub mod tasks;
pub mod team;
pub mod webhook_delivery;
pub mod webhook_fanout;
pub mod webhooks;

pub use auth::{Auth, AuthError};
pub use ingest_webhook::{IngestError, IngestReport, IngestStores, IngestWebhook};

#[cfg(test)]
mod tests;
