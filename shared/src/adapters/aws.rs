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
/// (call once per cold start), deriving contact ids with `ids`.
pub fn store_from_env(
    config: &SdkConfig,
    ids: crate::domain::ContactIdKey,
) -> Result<super::dynamo::DynamoStore, crate::config::ConfigError> {
    let table = crate::config::table_name()?;
    Ok(super::dynamo::DynamoStore::new(dynamo_client(config, &RequestCounter::default()), table, ids))
}

/// The outbound queue, from `OUTBOUND_QUEUE_URL`.
pub fn outbound_queue_from_env(config: &SdkConfig) -> Result<super::sqs::SqsQueue, crate::config::ConfigError> {
    let url = crate::config::required("OUTBOUND_QUEUE_URL")?;
    Ok(super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url))
}
