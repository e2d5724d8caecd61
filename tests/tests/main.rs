//! Parley's end-to-end and integration tests, one binary so that it links once.
//! Each module is one area; helpers live in the `parley_e2e` support library.

mod access_matrix;
mod api;
mod business_hours;
mod business_profile;
mod changes;
mod contact_export;
mod contact_record;
mod data_ownership;
mod deals;
mod deployment;
mod due_work;
mod events;
mod exports;
mod hot_counters;
mod inbound_webhook;
mod inbox_filters;
mod index_shards;
mod lambda_events;
mod new_conversation;
mod openapi;
mod outbound;
mod paging;
mod pipeline_editing;
mod push;
mod reports;
mod rules;
mod secrets;
mod sign_in;
mod statuses;
mod task_changes;
mod tasks;
mod team_and_inbox;
mod unread_markers;
mod webhook_parsing;
mod webhooks;
