//! Issue 12 §1 on the local stack: a number onboarded with its WhatsApp
//! Business app. The simulator plays what Meta posts (echoes, the history
//! backfill, address-book syncs, edits and revokes) through the signed
//! webhook into DynamoDB Local, and the API shows each where staff look.

use parley_e2e::TestStack;
use serde_json::{json, Value};

const ASHA: &str = "919812345001";

async fn simulate(t: &TestStack, path: &str, body: Value) -> Value {
    let response = t.http.post(format!("{}{path}", t.simulator_url)).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap_or(Value::Null)
}

async fn contact_by_phone(t: &TestStack, cookie: &str, wa_id: &str) -> Value {
    let contacts = t.contacts(cookie).await;
    contacts.into_iter().find(|c| c["wa_id"] == wa_id).unwrap_or_else(|| panic!("a contact for {wa_id}"))
}

#[tokio::test]
async fn the_phone_app_s_messages_edits_revokes_and_address_book_reach_the_contact() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let asked =
        simulate(&t, "/sim/customer", json!({"from": ASHA, "name": "Asha", "text": "Is the blue kurta in M?"})).await;
    let asha = contact_by_phone(&t, &admin, ASHA).await;
    let id = asha["id"].as_str().unwrap().to_owned();

    let typed = simulate(&t, "/sim/phone-app", json!({"to": ASHA, "text": "Yes, two left"})).await;
    let answered = t.contact_once(&admin, &id, |c| c["status"] == "waiting_on_customer").await;
    assert_eq!(answered["window"], asha["window"], "the phone app's message leaves the service window alone");
    assert_eq!(answered["awaiting_since"], Value::Null);
    let timeline = t.timeline(&admin, &id).await;
    let echo = timeline.iter().find(|m| m["id"] == typed["wamid"]).expect("the echo is on the timeline");
    assert_eq!((echo["direction"].as_str(), echo["origin"].as_str()), (Some("out"), Some("phone_app")));
    assert_eq!(echo["text"], "Yes, two left");

    // Meta redelivers the echo: stored once.
    let body = parley_simulator::coexistence::echo(
        &parley_simulator::webhook::BusinessPhone::default(),
        ASHA,
        typed["wamid"].as_str().unwrap(),
        1_900_000_000,
        "Yes, two left",
    );
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);
    let echoes = t.timeline(&admin, &id).await.into_iter().filter(|m| m["origin"] == "phone_app").count();
    assert_eq!(echoes, 1);

    let original = asked["wamid"].as_str().unwrap();
    simulate(
        &t,
        "/sim/customer/revision",
        json!({"from": ASHA, "name": "Asha", "original": original, "text": "Is the blue kurta in L?"}),
    )
    .await;
    simulate(&t, "/sim/customer/revision", json!({"from": ASHA, "name": "Asha", "original": original})).await;
    let timeline = t.timeline(&admin, &id).await;
    let revisions: Vec<&Value> = timeline.iter().filter(|m| m["content"]["kind"] == "revision").collect();
    assert_eq!(revisions.len(), 2, "an edit and a revoke: {timeline:?}");
    assert!(revisions.iter().all(|r| r["content"]["original_message_id"] == original));
    let edit = revisions.iter().find(|r| r["type"] == "edit").unwrap();
    assert_eq!(edit["content"]["content"]["body"], "Is the blue kurta in L?");
    assert_eq!(revisions.iter().find(|r| r["type"] == "revoke").unwrap()["content"]["content"], Value::Null);

    simulate(&t, "/sim/address-book", json!({"phone": format!("+{ASHA}"), "name": "Asha Rao (Pune)"})).await;
    let (_, named) = t.get(&admin, &format!("/api/contacts/{id}")).await;
    assert_eq!(
        (named["name"].as_str(), named["address_book_name"].as_str()),
        (Some("Asha Rao (Pune)"), Some("Asha Rao (Pune)"))
    );
    assert_eq!(named["profile_name"], "Asha");
    simulate(&t, "/sim/address-book", json!({"phone": ASHA})).await;
    let (_, removed) = t.get(&admin, &format!("/api/contacts/{id}")).await;
    assert_eq!((removed["name"].as_str(), removed["address_book_name"].as_str()), (Some("Asha"), None));
}

/// `chats` chats of `each` messages, alternating customer and business.
fn backfill(chats: usize, each: usize) -> Value {
    let chats: Vec<Value> = (0..chats)
        .map(|c| {
            let messages: Vec<Value> = (0..each)
                .map(|m| json!({"from_business": m % 2 == 1, "text": format!("message {m}"), "minutes_ago": 10_000 - m as i64}))
                .collect();
            json!({"customer": format!("91981230{c:04}"), "messages": messages})
        })
        .collect();
    json!({"chats": chats, "chunk": "e2e"})
}

#[tokio::test]
async fn a_history_delivered_twice_is_stored_once_and_sets_off_no_rule() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let rule = json!({"name": "Tag whoever writes", "trigger": {"type": "message_received", "first_only": false},
        "actions": [{"type": "add_tag", "tag": "wrote"}]});
    let (status, body) = t.post(&admin, "/api/rules", &rule, None).await;
    assert_eq!(status, 201, "{body}");

    let shared = backfill(3, 200);
    let first = simulate(&t, "/sim/history", shared.clone()).await;
    assert_eq!(first["messages"], 600);
    simulate(&t, "/sim/history", shared).await;
    // A live message after the backfill: once its rule has run, the events
    // before it have been handled too.
    simulate(&t, "/sim/customer", json!({"from": "919812399999", "name": "Live", "text": "hello"})).await;
    let live = contact_by_phone(&t, &admin, "919812399999").await;
    t.contact_once(&admin, live["id"].as_str().unwrap(), |c| c["tags"] == json!(["wrote"])).await;

    for c in 0..3 {
        let contact = contact_by_phone(&t, &admin, &format!("91981230{c:04}")).await;
        assert_eq!(contact["tags"], json!([]), "no rule fired for the history");
        assert_eq!((contact["status"].as_str(), contact["owner"].as_str()), (Some("closed"), None));
        assert_eq!(contact["window"]["open"], false);
        assert_eq!(contact["source"], "whatsapp");
        assert!(contact["last_inbound_at"].is_string(), "{contact}");
        let timeline = t.timeline(&admin, contact["id"].as_str().unwrap()).await;
        assert_eq!(timeline.len(), 200, "each message once");
        assert!(timeline.iter().all(|m| m["origin"] == "history"));
        assert_eq!(timeline.iter().filter(|m| m["direction"] == "out").count(), 100);
    }
}
