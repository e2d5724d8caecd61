//! Posting to WebSocket clients through API Gateway's management API
//! (`POST /@connections/{id}` on the API's stage URL), signed for
//! `execute-api` without the SDK's client (one call, a path and a body; see
//! [`aws_signed`](super::aws_signed) for what is kept of the SDK).

use super::aws_signed::{percent_encoded, CallFailure, Outgoing, ServiceSigning, SignedRequests, Signer};
use crate::ports::{PushChannel, PushError};
use async_trait::async_trait;
use aws_sigv4::http_request::SigningSettings;
use aws_smithy_runtime_api::client::http::SharedHttpConnector;
use bytes::Bytes;

/// The push channel of a deployed WebSocket API.
#[derive(Debug, Clone)]
pub struct ApiGatewayPush {
    requests: SignedRequests,
    endpoint: String,
}

impl ApiGatewayPush {
    /// A channel to the stage at `endpoint`
    /// (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>`).
    pub fn new(config: &aws_types::SdkConfig, endpoint: &str) -> Self {
        Self::over(config, super::aws::connector(config), endpoint)
    }

    /// As [`Self::new`], sending through `connector`.
    fn over(config: &aws_types::SdkConfig, connector: SharedHttpConnector, endpoint: &str) -> Self {
        let signing = ServiceSigning {
            name: "execute-api",
            signer: Signer::Sdk(SigningSettings::default),
            refusal: super::aws_json::refusal,
        };
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        ApiGatewayPush { requests: SignedRequests::new(signing, config, connector), endpoint }
    }
}

#[async_trait]
impl PushChannel for ApiGatewayPush {
    async fn post(&self, id: &str, text: &str) -> Result<(), PushError> {
        let url = format!("{}/@connections/{}", self.endpoint, percent_encoded(id, false));
        let body = Bytes::copy_from_slice(text.as_bytes());
        match self.requests.call(&Outgoing { method: "POST", url: &url, headers: &[], body: &body }).await {
            Ok(_) => Ok(()),
            // The client has gone: its connection item can go too.
            Err(CallFailure::Refused(refusal)) if refusal.status == 410 || refusal.code == "GoneException" => {
                Err(PushError::Gone)
            }
            Err(failure) => Err(PushError::Unavailable(format!("PostToConnection: {failure}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::aws_signed::tests::{config, Scripted};

    #[tokio::test]
    async fn a_post_goes_to_the_connection_and_410_means_the_client_has_gone() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() =
            vec![(200, ""), (410, r#"{"message":"Gone"}"#), (403, r#"{"message":"Forbidden"}"#)];
        let push = ApiGatewayPush::over(
            &config(),
            connector.connector(),
            "https://abc.execute-api.ap-south-1.amazonaws.com/live/",
        );
        push.post("L0SM9cOFvHcCIhw=", r#"{"type":"x"}"#).await.unwrap();
        assert!(matches!(push.post("gone", "{}").await, Err(PushError::Gone)));
        assert!(
            matches!(push.post("c", "{}").await, Err(PushError::Unavailable(why)) if why == "PostToConnection: HTTP 403: Forbidden")
        );
        let seen = connector.seen.lock().unwrap();
        assert_eq!(seen[0].1, "https://abc.execute-api.ap-south-1.amazonaws.com/live/@connections/L0SM9cOFvHcCIhw%3D");
        assert_eq!(seen[0].3, br#"{"type":"x"}"#);
        let authorization = seen[0].2["authorization"].to_str().unwrap();
        assert!(authorization.contains("/ap-south-1/execute-api/aws4_request"), "{authorization}");
    }
}
