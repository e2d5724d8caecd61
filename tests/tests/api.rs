//! The staff API and the webhook handshake, over HTTP on the local stack.

use parley_e2e::{TestStack, ADMIN_EMAIL, ADMIN_PASSWORD, VERIFY_TOKEN};
use parley_simulator::Customer;
use serde_json::Value;

#[tokio::test]
async fn the_webhook_handshake_echoes_the_challenge_only_for_our_token() {
    let t = TestStack::start().await;
    let ok = t
        .http
        .get(t.url(&format!("/webhook?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444")))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["content-type"], "text/plain");
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    for query in [
        "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1",
        "hub.challenge=1",
        "",
    ] {
        let r = t.http.get(t.url(&format!("/webhook?{query}"))).send().await.unwrap();
        assert_eq!(r.status(), 403, "{query}");
    }
}

#[tokio::test]
async fn every_api_route_needs_a_session() {
    let t = TestStack::start().await;
    for path in [
        "/api/contacts",
        "/api/me",
        "/api/contacts/0123456789abcdef01234567",
        "/api/contacts/0123456789abcdef01234567/messages",
    ] {
        let (status, body) = t.get("parley_session=forged", path).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["code"], "unauthorized");
        let r = t.http.get(t.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path} without a cookie");
    }
}

#[tokio::test]
async fn login_sets_a_locked_down_cookie_and_refuses_bad_credentials() {
    let t = TestStack::start().await;
    let r = t
        .http
        .post(t.url("/api/login"))
        .json(&serde_json::json!({"email": ADMIN_EMAIL, "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_credentials");
    let r = t
        .http
        .post(t.url("/api/login"))
        .json(&serde_json::json!({"email": "nobody@shop.test", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "an unknown e-mail gets the same answer");
    let r = t.http.post(t.url("/api/login")).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(r.status(), 400);

    let r = t
        .http
        .post(t.url("/api/login"))
        .json(&serde_json::json!({"email": " Owner@Shop.Test ", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "e-mails are case- and space-insensitive");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let session = cookie.split(';').next().unwrap().to_owned();
    let (status, me) = t.get(&session, "/api/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["email"], ADMIN_EMAIL);

    let r = t.http.post(t.url("/api/logout")).header("cookie", &session).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(t.get(&session, "/api/me").await.0, 401, "a logged-out session is gone");
}

#[tokio::test]
async fn contacts_page_newest_first_and_timelines_page_oldest_first() {
    let t = TestStack::start().await;
    for i in 0..5_i64 {
        let c = Customer::new(&format!("91980000000{i}"), &format!("Customer {i}"));
        let messages = (0..3)
            .map(|j| c.text(&format!("wamid.{i}.{j}"), 1_700_000_000 + i * 100 + j, &format!("{i}-{j}")))
            .collect();
        assert_eq!(t.post_json_webhook(&c.webhook(messages)).await.status(), 200);
    }
    let cookie = t.login().await;
    let (status, first) = t.get(&cookie, "/api/contacts?limit=2").await;
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let all = t.contacts(&cookie).await;
    let names: Vec<&str> = all.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Customer 4", "Customer 3", "Customer 2", "Customer 1", "Customer 0"]);

    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let (_, page) = t.get(&cookie, &format!("/api/contacts?limit=2&cursor={cursor}")).await;
        paged.extend(page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(paged, names, "cursor pages cover every contact once, in order");

    let id = all[0]["id"].as_str().unwrap();
    let (_, page) = t.get(&cookie, &format!("/api/contacts/{id}/messages?limit=2")).await;
    let texts: Vec<&str> = page["items"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["4-0", "4-1"]);
    let next = page["next_cursor"].as_str().unwrap();
    let (_, rest) = t.get(&cookie, &format!("/api/contacts/{id}/messages?limit=2&cursor={next}")).await;
    assert_eq!(rest["items"][0]["text"], "4-2");

    let (status, one) = t.get(&cookie, &format!("/api/contacts/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["phone"], "+919800000004");
}

#[tokio::test]
async fn bad_cursors_and_unknown_contacts_are_clear_errors() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    let (status, body) = t.get(&cookie, "/api/contacts?cursor=not-a-cursor").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_cursor");
    let (status, body) = t.get(&cookie, "/api/contacts/0123456789abcdef01234567").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = t.get(&cookie, "/api/contacts/C%23injected/messages").await;
    assert_eq!(status, 404, "ids that are not ours never reach a key expression");
    let (status, body) = t.get(&cookie, "/api/nowhere").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn healthz_and_the_ui_are_served_on_the_same_origin() {
    let t = TestStack::start().await;
    assert_eq!(t.http.get(t.url("/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    let page = t.http.get(t.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Parley"));
}

#[tokio::test]
async fn forged_cursors_are_refused_as_bad_requests() {
    use base64::Engine;
    let t = TestStack::start().await;
    t.customer_says("919800000001", "Asha", "hi").await;
    let cookie = t.login().await;
    let id = t.contacts(&cookie).await[0]["id"].as_str().unwrap().to_owned();
    let forge = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let forged = [
        forge(r#"{"pk":"C#x"}"#),
        forge(r#"{"pk":"","sk":"PROFILE","gsi1pk":"CONTACTS","gsi1sk":"1"}"#),
        forge(r#"{"pk":"C#x","sk":"PROFILE","gsi1pk":"ELSEWHERE","gsi1sk":"1"}"#),
        forge(r#"{"pk":"C#x","sk":"PROFILE","gsi4pk":"OWNER#-","gsi4sk":"1"}"#),
    ];
    for cursor in &forged {
        for path in [
            format!("/api/contacts?cursor={cursor}"),
            format!("/api/conversations?queue=unassigned&cursor={cursor}"),
            format!("/api/contacts/{id}/messages?cursor={cursor}"),
            format!("/api/pipelines/sales/stages/enquiry/deals?cursor={cursor}"),
        ] {
            let (status, body) = t.get(&cookie, &path).await;
            assert_ne!(status, 503, "{path}: a forged cursor is the caller's mistake, not an outage");
            if status != 200 {
                assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_cursor")), "{path}");
            }
        }
    }
    let elsewhere = forge(&format!(r#"{{"pk":"C#{id}","sk":"X#1"}}"#));
    let (status, body) = t.get(&cookie, &format!("/api/contacts/{id}/messages?cursor={elsewhere}")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_cursor")));
}

#[tokio::test]
async fn the_local_origin_sends_the_security_headers_cloudfront_sends() {
    let t = TestStack::start().await;
    let template = parley_local::template::Template::load(&parley_e2e::repo_root().join("template.yaml")).unwrap();
    // The media bucket's origin is moto's, locally.
    let media_origin = std::env::var("AWS_ENDPOINT_URL_S3").unwrap();
    let expected = template.security_headers_for(&media_origin).unwrap();
    assert!(expected
        .iter()
        .any(|(name, value)| name == "content-security-policy" && value.contains("frame-ancestors 'none'")));
    for path in ["/", "/app.js", "/api/me"] {
        let response = t.http.get(t.url(path)).send().await.unwrap();
        for (name, value) in &expected {
            assert_eq!(
                response.headers().get(name.as_str()).and_then(|v| v.to_str().ok()),
                Some(value.as_str()),
                "{path}: {name}"
            );
        }
    }
    let page = t.http.get(t.url("/")).send().await.unwrap();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}
