//! Issue 12 §2 on the local stack: a second business number in the same
//! deployment. The same customer writing to each number is two records, each
//! number's inbox view lists only its own conversations, and a reply leaves
//! from the number the customer wrote to.

use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SALES: &str = "106540352242922";
const SUPPORT: &str = "106540352249999";
const RAVI: &str = "919812366001";

async fn writes(t: &TestStack, to_number: Option<&str>, text: &str) {
    let body = json!({"from": RAVI, "name": "Ravi", "text": text, "to_number": to_number});
    let response = t.http.post(format!("{}/sim/customer", t.simulator_url)).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

async fn listed(t: &TestStack, cookie: &str, path: &str) -> BTreeSet<String> {
    let (status, page) = t.get(cookie, path).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|c| c["phone_number_id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_business_number_has_its_own_conversations_and_replies_leave_from_the_number_written_to() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    writes(&t, None, "Price of the blue kurta?").await;
    writes(&t, Some(SUPPORT), "My order has not arrived").await;
    let contacts = t.contacts(&admin).await;
    assert_eq!(contacts.len(), 2, "one record per number: {contacts:?}");

    let sales_view = format!("/api/conversations?queue=waiting_on_us&number={SALES}");
    let support_view = format!("/api/conversations?queue=waiting_on_us&number={SUPPORT}");
    assert_eq!(listed(&t, &admin, &sales_view).await, BTreeSet::from([SALES.to_owned()]));
    assert_eq!(listed(&t, &admin, &support_view).await, BTreeSet::from([SUPPORT.to_owned()]));

    let support: &Value = contacts.iter().find(|c| c["phone_number_id"] == SUPPORT).unwrap();
    let id = support["id"].as_str().unwrap();
    let reply = json!({"type": "text", "text": "Sorry! It leaves today."});
    let (status, body) = t.post(&admin, &format!("/api/contacts/{id}/messages"), &reply, Some("support-1")).await;
    assert_eq!(status, 202, "{body}");
    let accepted = t.accepted_at_least(1).await;
    let [sent] = accepted.as_slice() else { panic!("one send: {accepted:?}") };
    assert_eq!((sent["from"].as_str(), sent["to"].as_str()), (Some(SUPPORT), Some(RAVI)));

    // Meta's pricing of the reply is counted on the number that sent it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, report) = t.get(&admin, "/api/reports/spend").await;
        assert_eq!(status, 200, "{report}");
        let numbers = report["by_number"].as_array().unwrap();
        if let [line] = numbers.as_slice() {
            assert_eq!((line["phone_number_id"].as_str(), line["free"].as_u64()), (Some(SUPPORT), Some(1)), "{report}");
            break;
        }
        assert!(numbers.is_empty(), "only the number that sent: {report}");
        assert!(std::time::Instant::now() < deadline, "never priced: {report}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn put_number(t: &TestStack, cookie: &str, id: &str, body: &Value) -> (u16, Value) {
    t.request(cookie, "PUT", &format!("/api/numbers/{id}"), Some(body)).await
}

/// Settings → Numbers: an admin names the support number and gives its new
/// conversations to a teammate; the list names it for everyone; stale or
/// bad edits are refused and lose nothing; removing it names it by id again.
#[tokio::test]
async fn admins_set_up_a_number_and_its_new_conversations_go_to_its_default_owner() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "sunita@shop.in", "agent").await;

    let support = json!({"name": " Support ", "display_phone": "+91 98100 00000", "waba_id": "102290129340398", "default_owner": "Sunita@Shop.in"});
    assert_eq!(put_number(&t, &agent, SUPPORT, &support).await.0, 403, "agents do not set numbers up");
    let not_on_team = json!({"name": "Support", "default_owner": "nobody@shop.in"});
    let (status, body) = put_number(&t, &admin, SUPPORT, &not_on_team).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown_owner")), "{body}");
    let (status, body) = put_number(&t, &admin, "+919810", &support).await;
    assert_eq!(status, 422, "{body}");
    let (status, saved) = put_number(&t, &admin, SUPPORT, &support).await;
    assert_eq!(status, 200, "{saved}");
    let profile = &saved["profile"];
    assert_eq!(
        (profile["name"].as_str(), profile["default_owner"].as_str()),
        (Some("Support"), Some("sunita@shop.in"))
    );

    // A second "add" and an edit from a form opened before the save are both refused.
    assert_eq!(put_number(&t, &admin, SUPPORT, &json!({"name": "Help"})).await.0, 409);
    let stale = json!({"name": "Help", "expected_updated_at": profile["updated_at"].as_i64().unwrap() - 1});
    assert_eq!(put_number(&t, &admin, SUPPORT, &stale).await.0, 409);

    writes(&t, Some(SUPPORT), "My order has not arrived").await;
    writes(&t, None, "Price of the blue kurta?").await;
    // The events function assigns it, off the webhook's path.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let contacts = loop {
        let contacts = t.contacts(&admin).await;
        if contacts.iter().any(|c| c["phone_number_id"] == SUPPORT && !c["owner"].is_null()) {
            break contacts;
        }
        assert!(std::time::Instant::now() < deadline, "never routed: {contacts:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let owner_on = |number: &str| contacts.iter().find(|c| c["phone_number_id"] == number).map(|c| c["owner"].clone());
    assert_eq!(owner_on(SUPPORT), Some(json!("sunita@shop.in")), "the support number's default owner");
    t.settle().await;
    let contacts = t.contacts(&admin).await;
    let sales = contacts.iter().find(|c| c["phone_number_id"] == SALES).map(|c| c["owner"].clone());
    assert_eq!(sales, Some(Value::Null), "no default owner: the unassigned queue");

    let (status, list) = t.get(&agent, "/api/numbers").await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["phone_number_id"], SUPPORT, "set-up numbers first: {list}");
    assert_eq!(items[0]["profile"]["display_phone"], "+91 98100 00000");
    assert!(items.iter().any(|n| n["phone_number_id"] == SALES && n["profile"].is_null()), "{list}");

    let updated_at = profile["updated_at"].as_i64().unwrap();
    let (status, _) =
        t.request(&admin, "DELETE", &format!("/api/numbers/{SUPPORT}?updated_at={}", updated_at - 1), None).await;
    assert_eq!(status, 409, "a removal from a stale screen is refused");
    let (status, _) =
        t.request(&admin, "DELETE", &format!("/api/numbers/{SUPPORT}?updated_at={updated_at}"), None).await;
    assert_eq!(status, 204);
    let (_, list) = t.get(&admin, "/api/numbers").await;
    let support = list["items"].as_array().unwrap().iter().find(|n| n["phone_number_id"] == SUPPORT).cloned();
    assert_eq!(support.map(|n| n["profile"].clone()), Some(Value::Null), "listed by its id again: {list}");
}
