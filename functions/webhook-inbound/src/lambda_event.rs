//! `POST /webhook` as Lambda invokes it: API Gateway's HTTP API (v2) event
//! read for the three things a delivery needs (its body, whether that body
//! is base64, the `X-Hub-Signature-256` header) and answered in the API's
//! response shape.
//!
//! Why not [`http_api_event`](parley::adapters::http_api_event) and the
//! router, as every other HTTP function: this is the one function that
//! runs per message. Reading the whole event (request context, every
//! header into a map), building an `http::Request` from it, routing it and
//! collecting the response's body cost about a tenth of a message's CPU
//! (460 → 420 µs a message in interleaved runs of `infra/bench`); the
//! local runner still serves the same [`reply`] through
//! [`router`](crate::router).

use crate::{error, reply, Reply};
use base64::Engine;
use parley::app::IngestWebhook;
use serde::{Deserialize, Serialize};

/// The parts of an HTTP API event a delivery is read from. serde skips
/// every other member without keeping it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryEvent {
    #[serde(default)]
    headers: SignatureHeader,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    is_base64_encoded: bool,
}

/// The HTTP API gives header names in lower case, and joins repeated ones
/// with commas (a repeated signature then fails verification, as it should).
#[derive(Debug, Default, Deserialize)]
struct SignatureHeader {
    #[serde(rename = "x-hub-signature-256")]
    signature: Option<String>,
}

/// The HTTP API's response shape (payload format 2.0).
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAnswer {
    /// The HTTP status.
    pub status_code: u16,
    /// Its one header.
    pub headers: ContentType,
    /// Text, never base64.
    pub body: String,
    /// Always false: both answers are text.
    pub is_base64_encoded: bool,
}

/// `Content-Type`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ContentType {
    /// Its value.
    #[serde(rename = "content-type")]
    pub content_type: &'static str,
}

/// Verifies and stores the event's delivery. A base64 body is verified
/// over its decoded bytes, which are what Meta signed.
pub async fn serve(ingest: &IngestWebhook, event: DeliveryEvent) -> DeliveryAnswer {
    let body = event.body.unwrap_or_default();
    let signature = event.headers.signature.as_deref();
    let reply = if event.is_base64_encoded {
        match base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
            Ok(bytes) => reply(ingest, &bytes, signature).await,
            Err(_) => {
                tracing::warn!("webhook body refused: API Gateway's base64 did not decode");
                error(http::StatusCode::BAD_REQUEST, "malformed_webhook", "the body is not valid base64")
            }
        }
    } else {
        reply(ingest, body.as_bytes(), signature).await
    };
    answer(reply)
}

fn answer(reply: Reply) -> DeliveryAnswer {
    DeliveryAnswer {
        status_code: reply.status.as_u16(),
        headers: ContentType { content_type: reply.content_type },
        body: reply.body,
        is_base64_encoded: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_read_for_its_body_base64_flag_and_signature_alone() {
        let event: DeliveryEvent = serde_json::from_value(serde_json::json!({
            "version": "2.0",
            "routeKey": "POST /webhook",
            "rawPath": "/webhook",
            "headers": {"content-type": "application/json", "x-hub-signature-256": "sha256=ab"},
            "requestContext": {"http": {"method": "POST", "path": "/webhook", "sourceIp": "203.0.113.7"}},
            "body": "eyJ9",
            "isBase64Encoded": true,
        }))
        .unwrap();
        assert_eq!(event.headers.signature.as_deref(), Some("sha256=ab"));
        assert_eq!(event.body.as_deref(), Some("eyJ9"));
        assert!(event.is_base64_encoded);
        let bare: DeliveryEvent = serde_json::from_value(serde_json::json!({"version": "2.0"})).unwrap();
        assert_eq!((bare.headers.signature, bare.body, bare.is_base64_encoded), (None, None, false));
    }

    #[test]
    fn an_answer_is_in_the_http_apis_response_shape() {
        let answer = answer(error(http::StatusCode::UNAUTHORIZED, "bad_signature", "no"));
        assert_eq!(
            serde_json::to_value(&answer).unwrap(),
            serde_json::json!({
                "statusCode": 401,
                "headers": {"content-type": "application/json"},
                "body": r#"{"error":{"code":"bad_signature","message":"no"}}"#,
                "isBase64Encoded": false,
            })
        );
    }
}
