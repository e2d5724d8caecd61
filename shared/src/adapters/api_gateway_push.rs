//! Posting to WebSocket clients through API Gateway's management API
//! (`POST /@connections/{id}` on the API's stage URL).

use crate::ports::{PushChannel, PushError};
use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::error::SdkError;
use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_apigatewaymanagement::Client;

/// The push channel of a deployed WebSocket API.
#[derive(Debug, Clone)]
pub struct ApiGatewayPush {
    client: Client,
}

impl ApiGatewayPush {
    /// A channel to the stage at `endpoint`
    /// (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>`).
    pub fn new(config: &aws_types::SdkConfig, endpoint: &str) -> Self {
        let conf = aws_sdk_apigatewaymanagement::config::Builder::from(config).endpoint_url(endpoint).build();
        ApiGatewayPush { client: Client::from_conf(conf) }
    }
}

#[async_trait]
impl PushChannel for ApiGatewayPush {
    async fn post(&self, id: &str, text: &str) -> Result<(), PushError> {
        let sent = self.client.post_to_connection().connection_id(id).data(Blob::new(text.as_bytes())).send().await;
        match sent {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), PostToConnectionError::GoneException(_)) => {
                Err(PushError::Gone)
            }
            Err(SdkError::ServiceError(e)) if e.raw().status().as_u16() == 410 => Err(PushError::Gone),
            Err(e) => Err(PushError::Unavailable(crate::adapters::error_chain::text(&e))),
        }
    }
}
