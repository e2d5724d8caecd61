//! Leads in by webhook: a source configured by a manager posts signed (or
//! bearer) leads to `/leads/{id}`; each becomes a contact found by phone and
//! a deal in the source's pipeline, owned in turn; a bad signature stores
//! nothing, and the same lead id posted again (or twice at once) makes
//! nothing new.

use parley::domain::webhook_signature::signature_header;
use parley::ports::Clock;
use parley_e2e::TestStack;
use serde_json::{json, Value};

const BUSINESS_NUMBER: &str = "106540352242922";

async fn ready(t: &TestStack) -> String {
    let admin = t.login().await;
    let profile = json!({"name": "Asha Textiles", "country": "IN", "currency": "INR",
        "time_zone": "Asia/Kolkata", "phone_number_id": BUSINESS_NUMBER});
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&profile)).await.0, 200);
    admin
}

fn website() -> Value {
    json!({"id": "website", "name": "Website form", "auth": "hmac", "pipeline": "sales", "stage": null,
        "owner": {"kind": "round_robin"}, "tags": ["Web"],
        "mapping": {"lead_id": "id", "phone": "contact.mobile", "name": "contact.full_name", "fields.city": "city"}})
}

/// POSTs `body` to the source, signed with `secret` at the stack's time.
async fn post_signed(t: &TestStack, source: &str, secret: &str, body: &Value) -> (u16, Value) {
    let bytes = serde_json::to_vec(body).unwrap();
    let now = t.clock.now().0 / 1000;
    let response = t
        .http
        .post(t.url(&format!("/leads/{source}")))
        .header("content-type", "application/json")
        .header("parley-signature", signature_header(secret, now, &bytes))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post_bearer(t: &TestStack, source: &str, token: &str, body: &Value) -> (u16, Value) {
    let response = t.http.post(t.url(&format!("/leads/{source}"))).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn lead(id: &str, mobile: &str) -> Value {
    json!({"id": id, "contact": {"mobile": mobile, "full_name": "Meena Iyer"}, "city": "Pune",
        "tags": ["diwali"], "value_minor": 250000, "consent": ["marketing"]})
}

#[tokio::test]
async fn a_signed_lead_becomes_a_contact_and_a_deal_owned_in_turn_and_a_replay_makes_nothing_new() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, source) = t.request(&admin, "PUT", "/api/lead_sources/website", Some(&website())).await;
    assert_eq!(status, 200, "{source}");
    assert_eq!(source["path"], "/leads/website");
    let secret = source["secret"].as_str().unwrap().to_owned();
    assert_eq!(source["tags"], json!(["web"]));
    assert_eq!(t.request(&agent, "GET", "/api/lead_sources", None).await.0, 403, "agents do not see secrets");

    let (status, body) = post_signed(&t, "website", "not-the-secret", &lead("F-1", "098200 12345")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");
    let (status, _) = post_signed(&t, "nowhere", &secret, &lead("F-1", "098200 12345")).await;
    assert_eq!(status, 401, "an unknown source answers as a bad secret does");
    let (status, body) = post_signed(&t, "website", &secret, &json!({"id": "F-2", "contact": {}})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_lead")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("contact.mobile"), "{body}");
    assert!(t.contacts(&admin).await.is_empty(), "refused posts store nothing");

    let (status, received) = post_signed(&t, "website", &secret, &lead("F-1", "098200 12345")).await;
    assert_eq!(status, 201, "{received}");
    let contact_id = received["contact_id"].as_str().unwrap().to_owned();
    let contact = t.get(&admin, &format!("/api/contacts/{contact_id}")).await.1;
    assert_eq!(contact["phone"], "+919820012345");
    assert_eq!(contact["name"], "Meena Iyer");
    assert_eq!(contact["tags"], json!(["diwali", "web"]));
    assert_eq!(contact["fields"], json!({"city": "Pune", "source": "website"}));
    assert_eq!(contact["owner"], "agent@shop.test", "the only available agent's turn");
    assert_eq!(contact["consent"]["method"], "form");
    let deals = t.get(&admin, &format!("/api/contacts/{contact_id}/deals")).await.1;
    let deals = deals["items"].as_array().unwrap().clone();
    assert_eq!(deals.len(), 1, "{deals:?}");
    assert_eq!((deals[0]["stage"].as_str(), deals[0]["value_minor"].as_i64()), (Some("enquiry"), Some(250000)));
    assert_eq!(deals[0]["owner"], "agent@shop.test");

    let (status, again) = post_signed(&t, "website", &secret, &lead("F-1", "+91 98200 12345")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (&again["contact_id"], &again["deal_id"], &again["created"]),
        (&received["contact_id"], &received["deal_id"], &json!(false))
    );
    let deals = t.get(&admin, &format!("/api/contacts/{contact_id}/deals")).await.1;
    assert_eq!(deals["items"].as_array().unwrap().len(), 1, "a replay makes no second deal");
    assert_eq!(t.contacts(&admin).await.len(), 1);

    // The same lead sent twice at once: one creates, the other finds it.
    let body = lead("F-3", "9820054321");
    let (a, b) = tokio::join!(post_signed(&t, "website", &secret, &body), post_signed(&t, "website", &secret, &body));
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{a:?} {b:?}");
    assert_eq!(a.1["deal_id"], b.1["deal_id"]);

    // A new secret: the old one stops working.
    let (status, rotated) = t.post(&admin, "/api/lead_sources/website/rotate", &json!({}), None).await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["secret"], json!(secret));
    assert_eq!(post_signed(&t, "website", &secret, &lead("F-4", "9820099999")).await.0, 401);
}

#[tokio::test]
async fn a_bearer_source_takes_parleys_own_shape_and_a_removed_source_is_refused() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let source = json!({"id": "expo", "name": "Expo stall tablet", "auth": "bearer", "pipeline": "sales",
        "stage": "qualified", "owner": {"kind": "unassigned"}, "tags": [], "mapping": {}});
    let (status, saved) = t.request(&admin, "PUT", "/api/lead_sources/expo", Some(&source)).await;
    assert_eq!(status, 200, "{saved}");
    let token = saved["secret"].as_str().unwrap().to_owned();
    let mut bad = source.clone();
    bad["pipeline"] = json!("nope");
    assert_eq!(t.request(&admin, "PUT", "/api/lead_sources/expo", Some(&bad)).await.0, 422);

    let body = json!({"lead_id": 77, "phone": "+254 712 345678", "name": "Wanjiku", "fields": {"stall": "B4"}});
    assert_eq!(post_bearer(&t, "expo", "wrong", &body).await.0, 401);
    let (status, received) = post_bearer(&t, "expo", &token, &body).await;
    assert_eq!(status, 201, "{received}");
    let contact = t.get(&admin, &format!("/api/contacts/{}", received["contact_id"].as_str().unwrap())).await.1;
    assert_eq!(contact["phone"], "+254712345678");
    assert_eq!(contact["owner"], Value::Null);
    assert_eq!(contact["fields"]["stall"], "B4");
    let deal = t.get(&admin, &format!("/api/deals/{}", received["deal_id"].as_str().unwrap())).await.1;
    assert_eq!(deal["stage"], "qualified", "{deal}");

    assert_eq!(t.request(&admin, "DELETE", "/api/lead_sources/expo", None).await.0, 204);
    assert_eq!(post_bearer(&t, "expo", &token, &json!({"lead_id": 78, "phone": "0712345679"})).await.0, 401);
}
