//! The edge: AWS and Meta implementations of [`crate::ports`].

pub mod account_token_secrets;
pub mod account_tokens;
pub mod ai_bedrock;
pub mod ai_http;
pub mod ai_key_secret;
pub mod ai_openai;
pub mod api_gateway_push;
pub mod aws;
pub mod aws_connection;
pub mod aws_http;
pub mod aws_json;
pub mod aws_signed;
pub mod cloud_api;
pub mod cloud_api_media;
pub mod cloudformation;
pub mod dead_letters;
pub mod dynamo;
pub mod error_chain;
pub mod font_directory;
pub mod graph_leads;
pub mod header_signer;
pub mod http1_exchange;
pub mod http_api_event;
pub mod indiamart_http;
pub mod lambda_runtime_api;
pub mod request_counter;
pub mod s3_bucket;
pub mod s3_exports;
pub mod s3_imports;
pub mod s3_media;
mod s3_xml;
pub mod scheduler;
pub mod secrets_manager;
pub mod secrets_manager_client;
pub mod sqs;
pub mod sqs_batch;
pub mod sqs_client;
#[cfg(test)]
pub(crate) mod test_log_capture;
#[cfg(test)]
mod test_request_reader;
pub mod webhook_http;
