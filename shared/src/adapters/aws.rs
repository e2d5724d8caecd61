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

/// The store over `table`, with a client built now (call once per container), deriving contact ids with `ids`.
pub fn store(config: &SdkConfig, table: &str, ids: crate::domain::ContactIdKey) -> super::dynamo::DynamoStore {
    super::dynamo::DynamoStore::new(dynamo_client(config, &RequestCounter::default()), table, ids)
}

/// The outbound queue at `url`.
pub fn outbound_queue(config: &SdkConfig, url: &str) -> super::sqs::SqsQueue {
    super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url)
}
