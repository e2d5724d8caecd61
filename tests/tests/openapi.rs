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
                status == 405 || body["error"]["code"].is_string() || status < 400,
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
