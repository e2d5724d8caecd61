//! A WhatsApp Cloud API simulator that follows Meta's documented contract,
//! and a customer you can play: it signs and posts the webhooks Meta would.

pub mod ai_provider;
pub mod call_book;
pub mod calls;
pub mod cloud_api;
pub mod coexistence;
pub mod customer;
pub mod indiamart;
pub mod lead_ads;
pub mod media;
pub mod media_send;
pub mod read_marks;
pub mod seed;
pub mod templates;
pub mod webhook;

pub use customer::Customer;
