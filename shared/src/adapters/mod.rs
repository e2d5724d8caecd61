//! The edge: AWS and Meta implementations of [`crate::ports`].

pub mod aws;
pub mod cloud_api;
pub mod dynamo;
pub mod request_counter;
pub mod secrets_manager;
pub mod sqs;
