//! Use-case tests over the in-memory ports: no emulators, seconds to run.

mod fixture;

mod ai_assist;
mod auth;
mod call_desk;
mod calls;
mod campaigns;
mod coexistence;
mod consent;
mod contact_imports;
mod data_ownership;
mod deals;
mod deliver;
mod due_work;
mod inbox;
mod index_backfill;
mod ingest_webhook;
mod lead_feeds;
mod lead_intake;
mod live_feed;
mod live_push;
mod media;
mod quote_delivery;
mod quotes;
mod reports;
mod rules;
mod send_media;
mod send_message;
mod source_counting;
mod sweep;
mod tasks;
mod team;
mod webhooks;
