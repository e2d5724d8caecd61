//! Erasure and merging: the business owns its data (exports: see `exports`).

use parley_e2e::TestStack;
use parley_simulator::Customer;
use serde_json::{json, Value};

async fn write(t: &TestStack, c: &Customer, wamid: &str, at: i64, text: &str) {
    assert_eq!(t.post_json_webhook(&c.webhook(vec![c.text(wamid, at, text)])).await.status(), 200);
}

async fn id_of(t: &TestStack, cookie: &str, query: &str) -> String {
    t.get(cookie, &format!("/api/contacts?q={query}")).await.1["items"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn erasure_removes_personal_data_and_keeps_aggregates() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let asha = Customer::new("919812345678", "Asha Verma");
    write(&t, &asha, "wamid.E1", 1_700_000_000, "my address is 12 MG Road").await;
    write(&t, &asha, "wamid.E2", 1_700_000_100, "call me on 98765").await;
    let id = id_of(&t, &admin, "asha").await;
    t.post(&admin, &format!("/api/contacts/{id}/notes"), &json!({"text": "lives near the temple"}), None).await;
    let (_, before) = t.get(&admin, "/api/reports/messages?from=2023-01-01&to=2023-12-31").await;

    assert_eq!(t.request(&manager, "DELETE", &format!("/api/contacts/{id}"), None).await.0, 403);
    let (status, erased) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200, "{erased}");
    assert!(erased["removed_items"].as_u64().unwrap() >= 5, "{erased}");

    assert!(t.get(&admin, "/api/contacts?q=asha").await.1["items"].as_array().unwrap().is_empty());
    assert!(t.get(&admin, "/api/contacts?q=9198123").await.1["items"].as_array().unwrap().is_empty());
    assert!(t.contacts(&admin).await.is_empty(), "gone from every list");
    let (_, record) = t.get(&admin, &format!("/api/contacts/{id}")).await;
    assert_eq!((record["name"].clone(), record["phone"].clone()), (Value::Null, Value::Null));
    assert!(t.timeline(&admin, &id).await.is_empty());
    assert!(t.get(&admin, &format!("/api/contacts/{id}/notes")).await.1["items"].as_array().unwrap().is_empty());
    let (_, after) = t.get(&admin, "/api/reports/messages?from=2023-01-01&to=2023-12-31").await;
    assert_eq!(before, after, "aggregate counts are kept");
    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={id}")).await;
    assert!(trail["items"].as_array().unwrap().iter().any(|e| e["action"] == "erase"), "the request is audited");
    let (status, _) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200, "erasing again is harmless");
}

#[tokio::test]
async fn merging_joins_histories_identities_and_deals() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let phone = Customer::new("919812345678", "Asha Verma");
    let mut private = Customer::new("0", "Asha (new phone)");
    private.wa_id = None;
    private.user_id = Some("IN.777".into());
    write(&t, &phone, "wamid.M1", 1_700_000_000, "first, from the old phone").await;
    write(&t, &private, "wamid.M2", 1_700_000_500, "second, from the private profile").await;
    write(&t, &phone, "wamid.M3", 1_700_001_000, "third, old phone again").await;
    let into = id_of(&t, &admin, "9198123").await;
    let from = id_of(&t, &admin, "asha%20(new").await;
    assert_ne!(into, from);
    t.request(&admin, "PATCH", &format!("/api/contacts/{from}"), Some(&json!({"tags": ["vip"]}))).await;
    let (_, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": from, "title": "Saree order", "value_minor": 120_000}), None)
        .await;

    let (status, merged) = t.post(&admin, &format!("/api/contacts/{into}/merge"), &json!({"from": from}), None).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["user_id"], "IN.777", "the surviving record learns the other identity");
    assert_eq!(merged["tags"], json!(["vip"]));
    let texts: Vec<String> =
        t.timeline(&admin, &into).await.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["first, from the old phone", "second, from the private profile", "third, old phone again"]);
    assert_eq!(t.get(&admin, &format!("/api/contacts/{from}")).await.0, 404);
    assert_eq!(t.contacts(&admin).await.len(), 1);
    let (_, deals) = t.get(&admin, &format!("/api/contacts/{into}/deals")).await;
    assert_eq!(deals["items"][0]["id"], deal["id"]);

    write(&t, &private, "wamid.M4", 1_700_002_000, "and again from the private profile").await;
    assert_eq!(t.timeline(&admin, &into).await.len(), 4, "the merged identity now finds the surviving contact");
    assert_eq!(t.contacts(&admin).await.len(), 1);
    let (status, _) = t.post(&admin, &format!("/api/contacts/{into}/merge"), &json!({"from": into}), None).await;
    assert_eq!(status, 422);
}
