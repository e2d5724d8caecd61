//! The OpenAPI document is generated from the route table; every operation
//! in it is served, every protected one needs a session, and no route is
//! declared outside the table.

use parley_e2e::{repo_root, TestStack};

#[tokio::test]
async fn every_documented_operation_is_served_and_guarded() {
    let t = TestStack::start().await;
    let response = t.http.get(t.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            count += 1;
            let concrete = path
                .replace("{id}", "0123456789abcdef01234567")
                .replace("{stage}", "enquiry")
                .replace("{email}", "x@shop.test")
                .replace("{what}", "contacts");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = t
                .http
                .request(method.clone(), t.url(&concrete))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            assert!(
                !(status == 404 && body["error"]["message"] == "route not found"),
                "{method} {path} is documented but not served"
            );
            assert!(
                body["error"]["code"].is_string() || status < 400,
                "{method} {path}: one error shape, got {status} {body}"
            );
            let public = operation.get("security").is_some_and(|s| s.as_array().is_some_and(Vec::is_empty));
            if !public {
                assert_eq!(status, 401, "{method} {path} must need a session");
            }
        }
    }
    assert_eq!(count, parley_api::OPERATIONS.len(), "each operation documented once");
}

#[test]
fn no_route_is_declared_outside_the_documented_table() {
    let source = std::fs::read_to_string(repo_root().join("functions/api/src/lib.rs")).unwrap();
    let routes: Vec<&str> = source.lines().filter(|l| l.contains(".route(")).collect();
    assert_eq!(routes.len(), 1, "routes outside api_routes! would be missing from the OpenAPI document: {routes:?}");
    assert!(routes[0].contains("/api/openapi.json"));
}

/// The document's schema for `operation`'s answer with `status`, made a
/// standalone JSON Schema whose `$ref`s resolve against the components.
fn answer_schema(doc: &serde_json::Value, path: &str, method: &str, status: u16) -> serde_json::Value {
    let responses = &doc["paths"][path][method]["responses"];
    let documented: Vec<&String> = responses.as_object().unwrap().keys().filter(|k| *k != "default").collect();
    assert_eq!(documented, [&status.to_string()], "{method} {path} documents {documented:?}, answered {status}");
    let mut schema = responses[status.to_string()]["content"]["application/json"]["schema"].clone();
    assert!(schema.is_object(), "{method} {path} has no answer schema");
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    schema["components"] = doc["components"].clone();
    schema
}

/// Every `$ref` in `value`.
fn refs(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(target)) => found.push(target.to_owned()),
                    _ => refs(v, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_answer_and_every_request_body_has_a_schema() {
    let t = TestStack::start().await;
    let doc = parley_api::openapi_document();
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    for target in &targets {
        let name = target.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{target} is no component"));
        assert!(doc["components"]["schemas"][name].is_object(), "{target} points at nothing");
    }

    let admin = t.login().await;
    t.customer_says("919812345001", "Meera", "hello").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let (status, success) = responses.iter().find(|(k, _)| *k != "default").unwrap();
            if status != "204" {
                assert!(
                    success["content"]["application/json"]["schema"].is_object(),
                    "{method} {path} answers {status} without a schema"
                );
            }
            if !matches!(method.as_str(), "post" | "put" | "patch") {
                continue;
            }
            // Malformed JSON is refused as such only by a route that reads a
            // body; public routes are tried without a session (so signing
            // out ends nothing).
            let public = operation.get("security").is_some_and(|s| s.as_array().is_some_and(Vec::is_empty));
            let concrete =
                path.replace("{id}", &contact).replace("{stage}", "enquiry").replace("{email}", "nobody@shop.test");
            let response = t
                .http
                .request(reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), t.url(&concrete))
                .header("cookie", if public { "" } else { admin.as_str() })
                .header("content-type", "application/json")
                .body("{\"unterminated")
                .send()
                .await
                .unwrap();
            let refused = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let reads_body = refused == 400 && body["error"]["code"] == "bad_request";
            let documented = operation["requestBody"]["content"]["application/json"]["schema"].is_object();
            assert_eq!(
                reads_body, documented,
                "{method} {path}: reads a body: {reads_body} ({refused} {body}); request schema documented: {documented}"
            );
        }
    }
}

#[tokio::test]
async fn real_answers_validate_against_their_documented_schemas() {
    let t = TestStack::start().await;
    let doc = parley_api::openapi_document();
    let admin = t.login().await;
    t.customer_says("919812345002", "Kabir", "do you ship to Pune?").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let deal = serde_json::json!({"contact_id": contact, "title": "20 kurtas", "value_minor": 500_000});
    let task = serde_json::json!({"title": "Call back", "due_at": "2026-11-24T10:00:00+05:30", "contact_id": contact});
    let calls: Vec<(&str, &str, String, Option<serde_json::Value>)> = vec![
        ("get", "/api/me", "/api/me".into(), None),
        ("get", "/api/contacts", "/api/contacts?limit=5".into(), None),
        ("get", "/api/contacts/{id}", format!("/api/contacts/{contact}"), None),
        ("get", "/api/contacts/{id}/messages", format!("/api/contacts/{contact}/messages"), None),
        (
            "post",
            "/api/contacts/{id}/notes",
            format!("/api/contacts/{contact}/notes"),
            Some(serde_json::json!({"text": "wants delivery by Friday"})),
        ),
        ("get", "/api/contacts/{id}/notes", format!("/api/contacts/{contact}/notes"), None),
        (
            "post",
            "/api/contacts/{id}/messages",
            format!("/api/contacts/{contact}/messages"),
            Some(serde_json::json!({"type": "text", "text": "Yes, we do"})),
        ),
        ("post", "/api/contacts/{id}/close", format!("/api/contacts/{contact}/close"), None),
        ("post", "/api/deals", "/api/deals".into(), Some(deal)),
        ("get", "/api/contacts/{id}/deals", format!("/api/contacts/{contact}/deals"), None),
        ("get", "/api/pipelines", "/api/pipelines".into(), None),
        ("get", "/api/pipelines/{id}/board", "/api/pipelines/sales/board".into(), None),
        ("post", "/api/tasks", "/api/tasks".into(), Some(task)),
        ("get", "/api/tasks", "/api/tasks?scope=team".into(), None),
        ("get", "/api/users", "/api/users".into(), None),
        ("get", "/api/conversations", "/api/conversations?queue=closed".into(), None),
        ("get", "/api/reports/workload", "/api/reports/workload".into(), None),
        ("get", "/api/reports/funnel", "/api/reports/funnel".into(), None),
        ("get", "/api/reports/first_response", "/api/reports/first_response".into(), None),
        ("get", "/api/reports/messages", "/api/reports/messages".into(), None),
        ("get", "/api/audit", format!("/api/audit?contact={contact}"), None),
        ("post", "/api/exports", "/api/exports".into(), Some(serde_json::json!({"what": "contacts"}))),
        ("delete", "/api/contacts/{id}", format!("/api/contacts/{contact}"), None),
    ];
    for (method, path, concrete, body) in calls {
        let (status, answer) = t.request(&admin, &method.to_uppercase(), &concrete, body.as_ref()).await;
        assert!((200..300).contains(&status), "{method} {concrete}: {status} {answer}");
        let schema = answer_schema(&doc, path, method, status);
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let errors: Vec<String> =
            validator.iter_errors(&answer).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{method} {concrete} answered outside its schema: {errors:?}\n{answer}");
        if let Some(items) = answer["items"].as_array() {
            assert!(!items.is_empty(), "{method} {concrete}: an empty list checks little");
        }
    }
}

#[test]
fn a_wrong_answer_fails_the_documented_schema() {
    let doc = parley_api::openapi_document();
    let schema = answer_schema(&doc, "/api/deals/{id}", "get", 200);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let deal = serde_json::json!({
        "id": "d1", "contact_id": "c1", "pipeline": "sales", "stage": "enquiry", "title": "t", "value_minor": 1,
        "currency": "INR", "owner": null, "expected_close": null, "custom_fields": {}, "history": [],
        "created_at": "2026-11-24T10:00:00Z", "updated_at": "2026-11-24T10:00:00Z",
    });
    assert!(validator.is_valid(&deal));
    let mut missing = deal.clone();
    missing.as_object_mut().unwrap().remove("owner");
    assert!(!validator.is_valid(&missing), "a missing nullable field is caught");
    let mut mistyped = deal;
    mistyped["history"] = serde_json::json!([{"from": null, "to": 3, "by": "a", "at": "x"}]);
    assert!(!validator.is_valid(&mistyped), "a mistyped nested field is caught");
}
