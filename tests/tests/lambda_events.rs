//! The handlers as Lambda sees them: real API Gateway HTTP API (v2) events,
//! decoded by lambda_http (base64 bodies included), run through the same
//! routers the functions deploy.

use http::StatusCode;
use parley::adapters::aws;
use parley::adapters::dynamo::DynamoStore;
use parley::app::IngestWebhook;
use parley::ports::{ConversationStore, PageRequest, SystemClock};
use parley_e2e::{fixture, require_emulators, unique_table, APP_SECRET};
use parley_simulator::webhook::signature;
use std::sync::Arc;
use tower::ServiceExt;

fn http_api_event(
    method: &str,
    path: &str,
    headers: serde_json::Value,
    body: &str,
    base64: bool,
    query: &str,
) -> String {
    serde_json::json!({
        "version": "2.0",
        "routeKey": format!("{method} {path}"),
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "abc.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "facebookexternalua"},
            "requestId": "req-1",
            "routeKey": format!("{method} {path}"),
            "stage": "$default",
            "time": "23/Nov/2026:12:00:00 +0000",
            "timeEpoch": 1_795_000_000_000_i64,
        },
        "body": body,
        "isBase64Encoded": base64,
    })
    .to_string()
}

async fn store() -> Arc<DynamoStore> {
    require_emulators();
    let table = unique_table("lambda");
    let sdk = aws::load_config().await;
    let client = aws::dynamo_client(&sdk, &Default::default());
    let spec = parley_local::template::Template::load(&parley_e2e::repo_root().join("template.yaml"))
        .unwrap()
        .table()
        .unwrap();
    parley_local::bootstrap::ensure_table(&client, &table, &spec).await.unwrap();
    Arc::new(DynamoStore::new(client, table, parley_e2e::contact_id_key()))
}

#[tokio::test]
async fn a_base64_body_from_api_gateway_is_verified_over_its_decoded_bytes() {
    use base64::Engine;
    let store = store().await;
    let body = fixture("meta_sample_text_message_v25.json");
    let event = http_api_event(
        "POST",
        "/webhook",
        serde_json::json!({"content-type": "application/json", "x-hub-signature-256": signature(APP_SECRET, &body)}),
        &base64::engine::general_purpose::STANDARD.encode(&body),
        true,
        "",
    );
    let request = lambda_http::request::from_str(&event).expect("a valid HTTP API event");
    let router = webhook_inbound::router(Arc::new(IngestWebhook::new(
        store.clone(),
        store.clone(),
        Arc::new(SystemClock),
        APP_SECRET,
    )));
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let contacts = store.list_contacts(&PageRequest::default(), None).await.unwrap();
    assert_eq!(contacts.items.len(), 1);
    assert_eq!(
        store.timeline(&contacts.items[0].id, &PageRequest::default()).await.unwrap().items[0].id,
        "ABGGFlA5Fpa"
    );
}

#[tokio::test]
async fn a_signature_over_the_base64_text_instead_of_the_bytes_is_refused() {
    use base64::Engine;
    let store = store().await;
    let body = fixture("meta_sample_text_message_v25.json");
    let encoded = base64::engine::general_purpose::STANDARD.encode(&body);
    let event = http_api_event(
        "POST",
        "/webhook",
        serde_json::json!({"x-hub-signature-256": signature(APP_SECRET, encoded.as_bytes())}),
        &encoded,
        true,
        "",
    );
    let request = lambda_http::request::from_str(&event).unwrap();
    let router = webhook_inbound::router(Arc::new(IngestWebhook::new(
        store.clone(),
        store.clone(),
        Arc::new(SystemClock),
        APP_SECRET,
    )));
    assert_eq!(router.oneshot(request).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert!(store.list_contacts(&PageRequest::default(), None).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn the_verify_function_answers_metas_get_event() {
    let event = http_api_event(
        "GET",
        "/webhook",
        serde_json::json!({}),
        "",
        false,
        "hub.mode=subscribe&hub.verify_token=tok&hub.challenge=777",
    );
    let request = lambda_http::request::from_str(&event).unwrap();
    let router = webhook_verify::router(webhook_verify::VerifyConfig { verify_token: "tok".into() });
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum_body_text(response).await;
    assert_eq!(body, "777");
}

async fn axum_body_text(response: http::Response<axum::body::Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}
