//! An AWS service's JSON protocol (a signed `POST /` naming its operation in
//! `X-Amz-Target`) spoken without the SDK's client, where that client costs
//! more than the call:
//! - DynamoDB's webhook transactions, for CPU (see
//!   [`DirectTransactions`](super::dynamo::DirectTransactions));
//! - Secrets Manager, for size: its SDK client was about 80 KB of every
//!   gzipped function, for one read per container;
//! - SQS, for size too: Parley sends, peeks and moves messages, while
//!   Lambda's event sources do the receiving at volume;
//! - EventBridge, whose one call the events function makes.
//!
//! [`aws_signed`](super::aws_signed) says what it keeps of the SDK.

use super::aws_signed::{AnswerHeaders, Outgoing, ServiceSigning, SignedRequests, Signer, Transport};
pub use super::aws_signed::{CallFailure, Refusal};
use crate::adapters::request_counter::RequestCounter;
use aws_types::SdkConfig;
use bytes::Bytes;
use serde_json::{Map, Value};

/// A service spoken this way.
#[derive(Debug)]
pub struct JsonService {
    /// The SDK's service id, which names its endpoint variable.
    pub id: &'static str,
    /// The name requests are signed for, and the endpoint's first label.
    pub name: &'static str,
    /// The protocol version's content type.
    pub content_type: &'static str,
}

/// DynamoDB (JSON 1.0).
pub const DYNAMODB: JsonService =
    JsonService { id: "DynamoDB", name: "dynamodb", content_type: "application/x-amz-json-1.0" };

/// SQS (JSON 1.0, which SQS has spoken beside its query protocol since 2023).
pub const SQS: JsonService = JsonService { id: "SQS", name: "sqs", content_type: "application/x-amz-json-1.0" };

/// EventBridge (JSON 1.1), for the events function's `PutEvents`.
pub const EVENTBRIDGE: JsonService =
    JsonService { id: "EventBridge", name: "events", content_type: "application/x-amz-json-1.1" };

/// Secrets Manager (JSON 1.1).
pub const SECRETS_MANAGER: JsonService =
    JsonService { id: "Secrets Manager", name: "secretsmanager", content_type: "application/x-amz-json-1.1" };

/// A client of one service's JSON protocol.
#[derive(Debug, Clone)]
pub struct JsonProtocol {
    service: &'static JsonService,
    endpoint: Option<String>,
    requests: SignedRequests,
}

impl JsonProtocol {
    /// `service` with `config`'s region, credentials, retry settings and
    /// endpoint, sending through `transport`. Nothing is sent yet; a missing
    /// region or credentials fail each call, as they do in the SDK.
    pub fn new(service: &'static JsonService, config: &SdkConfig, transport: impl Into<Transport>) -> Self {
        let signing = ServiceSigning { name: service.name, signer: Signer::Headers, refusal };
        JsonProtocol {
            service,
            endpoint: super::aws_signed::endpoint(service.id, service.name, config),
            requests: SignedRequests::new(signing, config, transport),
        }
    }

    /// Counts every attempt, and the DynamoDB capacity its answer reports,
    /// into `counter`.
    pub fn counting(mut self, counter: RequestCounter) -> Self {
        self.requests = self.requests.counting(counter);
        self
    }

    /// Posts `body` to the operation `target` (`secretsmanager.GetSecretValue`)
    /// until it is answered: the answer's body on success.
    pub async fn call(&self, target: &str, body: Bytes) -> Result<Bytes, CallFailure> {
        let service = self.service;
        let endpoint = self
            .endpoint
            .as_deref()
            .ok_or_else(|| CallFailure::Unavailable(format!("no region or endpoint for {}", service.id)))?;
        let headers = [("content-type", service.content_type), ("x-amz-target", target)];
        let outgoing = Outgoing { method: "POST", url: endpoint, headers: &headers, body: &body };
        Ok(self.requests.call(&outgoing).await?.body)
    }
}

/// Reads an error answer of the JSON protocols: its type from the body's
/// `__type` (JSON 1.0 and 1.1) or, in REST-JSON, the `x-amzn-errortype`
/// header, either without its namespace or suffix.
pub(super) fn refusal(status: u16, headers: &AnswerHeaders, body: Bytes) -> Refusal {
    let error: Map<String, Value> = serde_json::from_slice(&body).unwrap_or_default();
    let named = error.get("__type").and_then(Value::as_str).filter(|t| !t.is_empty());
    let header = headers.get("x-amzn-errortype");
    // `com.amazonaws.dynamodb.v20120810#ThrottlingException`,
    // `ConflictException:http://internal.amazon.com/coral/...`
    let code = named.or(header).and_then(|t| t.rsplit('#').next()).and_then(|t| t.split(':').next());
    let message = error.get("message").or_else(|| error.get("Message")).and_then(Value::as_str).unwrap_or_default();
    let (code, message) = (code.unwrap_or_default().to_owned(), message.to_owned());
    Refusal::new(status, &code, &message, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::aws_signed::tests::{config, Scripted};
    use aws_smithy_runtime_api::http::Headers;

    #[tokio::test]
    async fn a_5xx_and_throttling_are_tried_again_with_the_same_signed_request() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (503, "<html>busy</html>"),
            (400, r#"{"__type":"ThrottlingException","Message":"slow down"}"#),
            (200, r#"{"SecretString":"s"}"#),
        ];
        let client = JsonProtocol::new(&SECRETS_MANAGER, &config(), connector.connector());
        let answer = client.call("secretsmanager.GetSecretValue", Bytes::from_static(b"{}")).await;
        assert_eq!(answer.ok().as_deref(), Some(&br#"{"SecretString":"s"}"#[..]), "answered at the third attempt");
        let seen = connector.seen.lock().unwrap();
        assert_eq!(seen.len(), 3);
        for (_, _, headers, body) in seen.iter() {
            assert_eq!(headers["x-amz-target"], "secretsmanager.GetSecretValue");
            assert_eq!(headers["content-type"], "application/x-amz-json-1.1");
            assert_eq!(headers["x-amz-security-token"], "session");
            let authorization = headers["authorization"].to_str().unwrap();
            assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{authorization}");
            assert!(authorization.contains("/ap-south-1/secretsmanager/aws4_request"), "{authorization}");
            assert!(authorization.contains("x-amz-target"), "the target is signed: {authorization}");
            assert_eq!(body, b"{}");
        }
    }

    #[tokio::test]
    async fn a_sent_request_carries_the_signature_the_sdks_signer_gives_it() {
        use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![(200, "{}")];
        let client = JsonProtocol::new(&DYNAMODB, &config(), connector.connector());
        client.call("DynamoDB_20120810.TransactWriteItems", Bytes::from_static(b"{\"a\":1}")).await.expect("answered");
        let seen = connector.seen.lock().unwrap();
        let (method, url, headers, body) = &seen[0];
        let date = headers["x-amz-date"].to_str().unwrap();
        let at =
            jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", date).unwrap().to_zoned(jiff::tz::TimeZone::UTC).unwrap();
        let identity = aws_smithy_runtime_api::client::identity::Identity::from(
            aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "test"),
        );
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("ap-south-1")
            .name("dynamodb")
            .time(std::time::SystemTime::from(at.timestamp()))
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let unsigned =
            ["content-type", "x-amz-target", "content-length"].map(|name| (name, headers[name].to_str().unwrap()));
        let signable = SignableRequest::new(method, url, unsigned.into_iter(), SignableBody::Bytes(body)).unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let expected = instructions.headers().find(|(name, _)| *name == "authorization").unwrap().1;
        assert_eq!(headers["authorization"], expected);
        assert_eq!(headers["x-amz-security-token"], "session");
    }

    #[tokio::test]
    async fn retries_end_after_the_last_attempt_and_a_refusal_is_not_retried() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![(500, ""), (500, ""), (500, "")];
        let client = JsonProtocol::new(&SECRETS_MANAGER, &config(), connector.connector());
        let answer = client.call("secretsmanager.GetSecretValue", Bytes::new()).await;
        assert!(matches!(&answer, Err(CallFailure::Refused(r)) if r.code == "HTTP 500"), "{answer:?}");
        assert_eq!(connector.seen.lock().unwrap().len(), 3);

        *connector.answers.lock().unwrap() = vec![(
            400,
            r#"{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}"#,
        )];
        let answer = client.call("secretsmanager.GetSecretValue", Bytes::new()).await;
        assert!(
            matches!(&answer, Err(CallFailure::Refused(r)) if r.to_string() == "ResourceNotFoundException: Secrets Manager can't find the specified secret."),
            "{answer:?}"
        );
        assert_eq!(connector.seen.lock().unwrap().len(), 4, "one attempt only");
    }

    #[test]
    fn a_json_error_is_read_for_its_code_and_message_and_whether_to_retry() {
        let read = |status, body: &'static [u8]| {
            refusal(status, &AnswerHeaders::Sdk(Headers::new()), Bytes::from_static(body))
        };
        let throttled =
            read(400, br#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#);
        assert_eq!(
            (throttled.code.as_str(), throttled.message.as_str(), throttled.retryable()),
            ("ThrottlingException", "slow down", true)
        );
        let invalid = read(400, br#"{"__type":"com.amazon.coral.validate#ValidationException","message":"too big"}"#);
        assert_eq!((invalid.code.as_str(), invalid.retryable()), ("ValidationException", false));
        let gateway = read(502, b"<html>bad gateway</html>");
        assert_eq!((gateway.code.as_str(), gateway.retryable()), ("HTTP 502", true));
        let denied = read(400, br#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}"#);
        assert_eq!(
            (denied.code.as_str(), denied.message.as_str(), denied.retryable()),
            ("AccessDeniedException", "no", false)
        );
        let mut headers = Headers::new();
        headers.insert("x-amzn-errortype", "ConflictException:http://internal.amazon.com/coral/x/");
        let conflict = refusal(409, &AnswerHeaders::Sdk(headers), Bytes::from_static(br#"{"Message":"exists"}"#));
        assert_eq!((conflict.code.as_str(), conflict.message.as_str()), ("ConflictException", "exists"));
    }
}
