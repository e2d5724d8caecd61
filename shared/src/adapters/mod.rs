//! The edge: AWS and Meta implementations of [`crate::ports`].

pub mod account_token_secrets;
pub mod account_tokens;
pub mod ai_bedrock;
pub mod ai_http;
pub mod ai_key_secret;
pub mod ai_openai;
pub mod api_gateway_push;
pub mod aws;
pub mod aws_http;
pub mod cloud_api;
pub mod cloud_api_media;
pub mod cloudformation;
pub mod dead_letters;
pub mod dynamo;
pub mod font_directory;
pub mod graph_leads;
pub mod indiamart_http;
pub mod request_counter;
pub mod s3_exports;
pub mod s3_imports;
pub mod s3_media;
pub mod scheduler;
pub mod secrets_manager;
pub mod sqs;
pub mod sqs_batch;
pub mod webhook_http;
