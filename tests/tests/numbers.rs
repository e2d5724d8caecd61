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
    let mut accepted = Vec::new();
    for _ in 0..300 {
        accepted = t.accepted().await;
        if !accepted.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let [sent] = accepted.as_slice() else { panic!("one send: {accepted:?}") };
    assert_eq!((sent["from"].as_str(), sent["to"].as_str()), (Some(SUPPORT), Some(RAVI)));
}
