//! Loading the AWS SDK configuration once per cold start.

use super::request_counter::RequestCounter;

pub use aws_config::SdkConfig;
pub use aws_sdk_dynamodb::Client as DynamoClient;

/// Loads the shared SDK configuration from the environment: region,
/// credentials and the standard `AWS_ENDPOINT_URL_*` overrides that point the
/// SDK at DynamoDB Local or moto.
pub async fn load_config() -> SdkConfig {
    aws_config::load_from_env().await
}

/// A DynamoDB client that counts its HTTP round trips into `counter`.
pub fn dynamo_client(config: &SdkConfig, counter: &RequestCounter) -> DynamoClient {
    let conf = aws_sdk_dynamodb::config::Builder::from(config).interceptor(counter.clone()).build();
    DynamoClient::from_conf(conf)
}

/// The table every function uses, from `TABLE_NAME`, over a client built now
/// (call once per cold start).
pub fn store_from_env(config: &SdkConfig) -> Result<super::dynamo::DynamoStore, crate::config::ConfigError> {
    let table = crate::config::table_name()?;
    Ok(super::dynamo::DynamoStore::new(dynamo_client(config, &RequestCounter::default()), table))
}

/// The outbound queue, from `OUTBOUND_QUEUE_URL`.
pub fn outbound_queue_from_env(config: &SdkConfig) -> Result<super::sqs::SqsQueue, crate::config::ConfigError> {
    let url = crate::config::required("OUTBOUND_QUEUE_URL")?;
    Ok(super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url))
}

/// An S3 client; path-style addressing when `AWS_ENDPOINT_URL_S3` points
/// at an emulator (moto serves no per-bucket host names).
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let emulated = crate::config::optional("AWS_ENDPOINT_URL_S3").is_some();
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(emulated).build())
}

/// The export bucket, from `EXPORT_BUCKET`.
pub fn export_files_from_env(
    config: &SdkConfig,
) -> Result<super::s3_exports::S3ExportFiles, crate::config::ConfigError> {
    let bucket = crate::config::required("EXPORT_BUCKET")?;
    Ok(super::s3_exports::S3ExportFiles::new(s3_client(config), bucket))
}

/// The export queue, from `EXPORT_QUEUE_URL`.
pub fn export_queue_from_env(config: &SdkConfig) -> Result<super::sqs::SqsQueue, crate::config::ConfigError> {
    let url = crate::config::required("EXPORT_QUEUE_URL")?;
    Ok(super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url))
}

/// The dead-letter queues administrators watch, from `OUTBOUND_DLQ_URL`
/// and `EXPORT_DLQ_URL`.
pub fn dead_letters_from_env(
    config: &SdkConfig,
) -> Result<super::dead_letters::SqsDeadLetters, crate::config::ConfigError> {
    let queues = vec![
        ("outbound".to_owned(), crate::config::required("OUTBOUND_DLQ_URL")?),
        ("exports".to_owned(), crate::config::required("EXPORT_DLQ_URL")?),
    ];
    Ok(super::dead_letters::SqsDeadLetters::new(aws_sdk_sqs::Client::new(config), queues))
}
