//! The handlers as Lambda sees them: real API Gateway HTTP API (v2) events,
//! read and answered the way every HTTP function's main does
//! (`parley::adapters::http_api_event`, base64 bodies included), through the
//! same routers the functions deploy; the inbound webhook's through its own
//! lean reading of the event (`webhook_inbound::lambda_event`).

use http::StatusCode;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use parley::adapters::aws;
use parley::adapters::dynamo::DynamoStore;
use parley::app::{IngestStores, IngestWebhook};
use parley::ports::{ConversationStore, PageRequest, SystemClock};
use parley_e2e::{fixture, require_emulators, unique_table, APP_SECRET};
use parley_simulator::webhook::signature;
use std::sync::Arc;
use webhook_inbound::lambda_event::DeliveryAnswer;

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

/// `router` as a function's main runs it: the event read as the HTTP API's
/// own type, the answer in that API's response shape.
async fn through_lambda(router: axum::Router, event: &str) -> ApiGatewayV2httpResponse {
    let event = serde_json::from_str(event).expect("a valid HTTP API event");
    parley::adapters::http_api_event::serve(router, event, lambda_http::Context::default()).await.unwrap()
}

fn body_text(response: &ApiGatewayV2httpResponse) -> &str {
    match &response.body {
        Some(lambda_http::Body::Text(text)) => text,
        _ => "",
    }
}

/// The inbound function as its main runs it: the event read for what a
/// delivery needs, and answered without the router.
async fn inbound_function(store: &Arc<DynamoStore>, event: &str) -> DeliveryAnswer {
    let ingest = IngestWebhook::new(IngestStores::over(store.clone()), Arc::new(SystemClock), APP_SECRET);
    webhook_inbound::lambda_event::serve(&ingest, serde_json::from_str(event).expect("a valid HTTP API event")).await
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
    let response = inbound_function(&store, &event).await;
    assert_eq!(response.status_code, 200);
    assert_eq!(response.body, "EVENT_RECEIVED");
    assert!(!response.is_base64_encoded);
    let contacts =
        store.list_contacts(&PageRequest::default(), None, &parley::ports::ListFilter::default()).await.unwrap();
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
    let response = inbound_function(&store, &event).await;
    assert_eq!(response.status_code, 401);
    assert_eq!(response.headers.content_type, "application/json");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&response.body).unwrap()["error"]["code"], "bad_signature");
    assert!(store
        .list_contacts(&PageRequest::default(), None, &parley::ports::ListFilter::default())
        .await
        .unwrap()
        .items
        .is_empty());
}

#[tokio::test]
async fn a_text_body_is_stored_once_however_often_it_comes_and_a_body_that_is_not_base64_is_refused() {
    let store = store().await;
    let body = fixture("meta_sample_text_message_v25.json");
    let text = String::from_utf8(body.clone()).unwrap();
    let event = http_api_event(
        "POST",
        "/webhook",
        serde_json::json!({"x-hub-signature-256": signature(APP_SECRET, &body)}),
        &text,
        false,
        "",
    );
    for _ in 0..2 {
        let response = inbound_function(&store, &event).await;
        assert_eq!((response.status_code, response.body.as_str()), (200, "EVENT_RECEIVED"));
        assert_eq!(response.headers.content_type, "text/plain; charset=utf-8");
    }
    let contacts =
        store.list_contacts(&PageRequest::default(), None, &parley::ports::ListFilter::default()).await.unwrap();
    assert_eq!(contacts.items.len(), 1);
    assert_eq!(store.timeline(&contacts.items[0].id, &PageRequest::default()).await.unwrap().items.len(), 1);

    let garbled = http_api_event(
        "POST",
        "/webhook",
        serde_json::json!({"x-hub-signature-256": signature(APP_SECRET, &body)}),
        "not base64!",
        true,
        "",
    );
    let response = inbound_function(&store, &garbled).await;
    assert_eq!(response.status_code, 400);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&response.body).unwrap()["error"]["code"],
        "malformed_webhook"
    );
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
    let router = webhook_verify::router(webhook_verify::VerifyConfig { verify_token: "tok".into() });
    let response = through_lambda(router, &event).await;
    assert_eq!(response.status_code, 200);
    assert_eq!(body_text(&response), "777");
}

/// The event as API Gateway sends it when `source_ip` called.
fn from_source(event: String, source_ip: &str) -> String {
    let mut event: serde_json::Value = serde_json::from_str(&event).unwrap();
    event["requestContext"]["http"]["sourceIp"] = source_ip.into();
    event.to_string()
}

/// The API's state as a Lambda function builds it, over DynamoDB Local,
/// with every other client unused.
async fn lambda_api_state() -> parley_api::ApiState {
    use parley::adapters::cloud_api::{CloudApi, CloudApiConfig};
    use parley::app::auth::BootstrapAdmin;
    use parley_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD};
    let store = store().await;
    let sdk = aws::load_config().await;
    let unused_cloud_api = CloudApiConfig {
        base_url: "http://127.0.0.1:9".into(),
        version: "v23.0".into(),
        access_token: "unused".into(),
        waba_id: String::new(),
        timeout: std::time::Duration::from_millis(100),
    };
    parley_api::state(
        store,
        Arc::new(CloudApi::new(unused_cloud_api).unwrap()),
        Arc::new(SystemClock),
        Some(BootstrapAdmin { email: ADMIN_EMAIL.into(), password: ADMIN_PASSWORD.into() }),
        parley::app::inbox::InboxSettings::default(),
        parley_api::Background::on_first_use(
            &sdk,
            &parley_api::BackgroundSettings {
                outbound_queue_url: "http://127.0.0.1:9/unused".into(),
                export_queue_url: "http://127.0.0.1:9/unused".into(),
                export_bucket: aws::ExportBucket { name: "unused".into(), path_style: true },
                media_bucket: aws::MediaBucket { name: "unused".into(), path_style: true },
                dead_letter_queues: Vec::new(),
                webhook_queue_url: "http://127.0.0.1:9/unused".into(),
                schedules: parley::adapters::scheduler::ScheduleTarget {
                    group: "unused".into(),
                    function_arn: "arn:aws:lambda:us-east-1:123456789012:function:unused".into(),
                    role_arn: "arn:aws:iam::123456789012:role/unused".into(),
                },
                ai_key_secret_id: "unused".into(),
                account_token_prefix: "unused/".into(),
                fonts_dir: "unused".into(),
            },
        ),
        Some("the origin key".into()),
    )
}

#[tokio::test]
async fn each_api_function_serves_its_own_routes_and_answers_404_for_the_others() {
    let functions: [(&str, parley_api::Routes); 4] = [
        ("api", parley_api::api_function),
        ("api-quotes", parley_api::quote_routes),
        ("api-admin", parley_api::admin_routes),
        ("api-bulk", parley_api::bulk_routes),
    ];
    for (function, routes) in functions {
        let api = parley_api::serving(routes, lambda_api_state().await);
        for operation in parley_api::OPERATIONS {
            let path = parley_e2e::sample_path(operation.path);
            let headers = serde_json::json!({"content-type": "application/json"});
            let event = http_api_event(&operation.method.to_uppercase(), &path, headers, "{}", false, "");
            let response = through_lambda(api.clone(), &event).await;
            let status = response.status_code;
            let body: serde_json::Value = serde_json::from_str(body_text(&response)).unwrap_or_default();
            let unrouted = status == 404 && body["error"]["message"] == "route not found";
            assert_eq!(
                unrouted,
                operation.function != function,
                "{function}: {} {} answered {status} {body}",
                operation.method,
                operation.path
            );
        }
    }
}

#[tokio::test]
async fn logins_are_throttled_by_api_gateways_source_ip_or_a_viewer_address_cloudfront_vouched_for() {
    use parley_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD};
    let api = parley_api::router(lambda_api_state().await);
    let login = |source_ip: &str, headers: serde_json::Value, password: &str| {
        let body = serde_json::json!({"email": ADMIN_EMAIL, "password": password}).to_string();
        let mut headers = headers;
        headers["content-type"] = "application/json".into();
        let event = from_source(http_api_event("POST", "/api/login", headers, &body, false, ""), source_ip);
        let api = api.clone();
        async move { StatusCode::from_u16(through_lambda(api, &event).await.status_code as u16).unwrap() }
    };
    let none = serde_json::json!({});
    for _ in 0..5 {
        assert_eq!(login("203.0.113.7", none.clone(), "guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login("203.0.113.7", none.clone(), ADMIN_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login("198.51.100.9", none.clone(), ADMIN_PASSWORD).await, StatusCode::OK, "another sourceIp");

    // Behind CloudFront every viewer near one edge shares its sourceIp.
    let viewer = |address: &str, key: &str| serde_json::json!({"cloudfront-viewer-address": address, "x-parley-origin-key": key});
    for _ in 0..5 {
        let status = login("130.176.0.1", viewer("192.0.2.50:41234", "the origin key"), "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let locked = login("130.176.0.1", viewer("192.0.2.50:41235", "the origin key"), ADMIN_PASSWORD).await;
    assert_eq!(locked, StatusCode::TOO_MANY_REQUESTS, "the guessing viewer is locked");
    let neighbour = login("130.176.0.1", viewer("192.0.2.77:5000", "the origin key"), ADMIN_PASSWORD).await;
    assert_eq!(neighbour, StatusCode::OK, "a viewer at the same edge is not");
    let forged = login("198.18.0.1", viewer("192.0.2.50:1", "a guessed key"), ADMIN_PASSWORD).await;
    assert_eq!(forged, StatusCode::OK, "without the key the header is ignored: the sourceIp counts");
}

#[tokio::test]
async fn a_sign_in_through_api_gateway_sets_its_session_in_the_responses_cookies_and_the_next_event_carries_it() {
    use parley_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD};
    let api = parley_api::router(lambda_api_state().await);
    let body = serde_json::json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).to_string();
    let headers = serde_json::json!({"content-type": "application/json"});
    let signed_in = through_lambda(api.clone(), &http_api_event("POST", "/api/login", headers, &body, false, "")).await;
    assert_eq!(signed_in.status_code, 200, "{}", body_text(&signed_in));
    assert!(
        signed_in.headers.get(http::header::SET_COOKIE).is_none(),
        "the HTTP API takes cookies only from `cookies`"
    );
    let session = signed_in.cookies.iter().find(|cookie| cookie.contains("HttpOnly")).expect("a session cookie");

    // API Gateway hands a browser's cookies to the function in `cookies`,
    // each as name=value.
    let mut me: serde_json::Value =
        serde_json::from_str(&http_api_event("GET", "/api/me", serde_json::json!({}), "", false, "")).unwrap();
    me["cookies"] = serde_json::json!([session.split(';').next().unwrap()]);
    let answer = through_lambda(api.clone(), &me.to_string()).await;
    assert_eq!(answer.status_code, 200, "{}", body_text(&answer));
    assert!(body_text(&answer).contains(ADMIN_EMAIL));

    me["cookies"] = serde_json::json!([]);
    assert_eq!(through_lambda(api, &me.to_string()).await.status_code, 401);
}
