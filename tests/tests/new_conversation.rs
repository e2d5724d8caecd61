//! A new conversation (a lead) by phone number: the contact staff add is the
//! one the customer's first message lands in, however the number was typed,
//! and adding a number twice (or at once from two tabs) makes one contact.
//! A lead carries its tags, source and owner, and adding it again (a retry)
//! ends the same.

use parley_e2e::TestStack;
use serde_json::{json, Value};

/// The simulator's business number.
const BUSINESS_NUMBER: &str = "106540352242922";

async fn set_profile(t: &TestStack, admin: &str, country: &str) {
    let profile = json!({"name": "Asha Textiles", "country": country, "currency": "INR",
        "time_zone": "Asia/Kolkata", "phone_number_id": BUSINESS_NUMBER});
    let (status, body) = t.request(admin, "PUT", "/api/business", Some(&profile)).await;
    assert_eq!(status, 200, "{body}");
}

fn with_phone<'a>(contacts: &'a [Value], phone: &str) -> Vec<&'a Value> {
    contacts.iter().filter(|c| c["phone"] == phone).collect()
}

#[tokio::test]
async fn the_customers_first_message_lands_in_the_contact_staff_added() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (status, body) = t.post(&admin, "/api/contacts", &json!({"phone": "9876543210"}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("no_business_number")), "{body}");

    set_profile(&t, &admin, "IN").await;
    let (status, added) =
        t.post(&admin, "/api/contacts", &json!({"phone": "098765-43210", "name": " Asha  Rao "}), None).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["phone"], "+919876543210");
    assert_eq!(added["name"], "Asha Rao");
    assert_eq!(added["window"]["open"], false, "nobody wrote yet: templates only");
    assert_eq!(added["status"], "open");
    let id = added["id"].as_str().unwrap().to_owned();
    assert_eq!(t.timeline(&admin, &id).await.len(), 0);

    t.customer_says("919876543210", "Asha WA", "hello, is the saree in stock?").await;
    let contacts = t.contacts(&admin).await;
    let same = with_phone(&contacts, "+919876543210");
    assert_eq!(same.len(), 1, "one contact: {contacts:?}");
    assert_eq!(same[0]["id"], id.as_str());
    assert_eq!(same[0]["name"], "Asha Rao", "the name staff gave wins over the profile name");
    assert_eq!(same[0]["window"]["open"], true);
    let timeline = t.timeline(&admin, &id).await;
    assert_eq!(timeline.len(), 1, "{timeline:?}");
    assert_eq!(timeline[0]["text"], "hello, is the saree in stock?");
}

#[tokio::test]
async fn a_known_number_answers_with_its_contact_not_a_second_one() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919811111111", "Ravi", "hi").await;
    let first = t.contacts(&admin).await;
    // No number named in the profile: the one the latest customer wrote to.
    for typed in ["+91 98111 11111", "0091 98111-11111", "98111 11111"] {
        let (status, found) = t.post(&admin, "/api/contacts", &json!({"phone": typed}), None).await;
        assert_eq!(status, 200, "{typed}: {found}");
        assert_eq!(found["id"], first[0]["id"], "{typed}");
    }
    assert_eq!(t.contacts(&admin).await.len(), 1);
}

#[tokio::test]
async fn two_people_adding_the_same_number_at_once_make_one_contact() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    set_profile(&t, &admin, "IN").await;
    let body = json!({"phone": "+91 90000 12345"});
    let add = || t.post(&admin, "/api/contacts", &body, None);
    let (a, b, c, d) = tokio::join!(add(), add(), add(), add());
    let answers = [a, b, c, d];
    let created = answers.iter().filter(|(status, _)| *status == 201).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(answers.iter().all(|(status, _)| *status == 200 || *status == 201), "{answers:?}");
    let ids: std::collections::BTreeSet<&str> = answers.iter().map(|(_, c)| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "{answers:?}");
    assert_eq!(with_phone(&t.contacts(&admin).await, "+919000012345").len(), 1);
}

#[tokio::test]
async fn an_agents_new_conversation_is_theirs_and_in_their_queue() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    set_profile(&t, &admin, "US").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, added) = t.post(&agent, "/api/contacts", &json!({"phone": "(631) 555-1181"}), None).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["phone"], "+16315551181", "the default country's code");
    assert_eq!(added["owner"], "agent@shop.test");
    let (_, mine) = t.get(&agent, "/api/conversations?queue=mine").await;
    assert_eq!(mine["items"][0]["id"], added["id"], "{mine}");

    // Another agent adding it finds a conversation they may not see.
    let other = t.teammate(&admin, "other@shop.test", "agent").await;
    let (status, body) = t.post(&other, "/api/contacts", &json!({"phone": "631 555 1181"}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_yours")), "{body}");
    assert!(!body.to_string().contains("555"), "the number is not echoed: {body}");
}

#[tokio::test]
async fn a_number_that_is_not_one_is_refused_without_being_repeated() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    set_profile(&t, &admin, "IN").await;
    for typed in ["98765abc10", "12345", "+1234567890123456", "   "] {
        let (status, body) = t.post(&admin, "/api/contacts", &json!({"phone": typed}), None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_phone")), "{typed}: {body}");
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        if digits.len() > 3 {
            assert!(!body.to_string().contains(&digits[..4]), "{body}");
        }
    }
    let (status, _) = t.post(&admin, "/api/contacts", &json!({"name": "no phone"}), None).await;
    assert!(status == 400 || status == 422, "{status}");
    assert!(t.contacts(&admin).await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn a_lead_keeps_its_tags_source_and_owner_and_adding_it_again_changes_nothing() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    set_profile(&t, &admin, "IN").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let lead = json!({"phone": "+91 98200 12345", "name": "Meena", "tags": ["Wholesale", " diwali "],
        "source": "exhibition", "owner": "Agent@Shop.test"});
    let (status, added) = t.post(&admin, "/api/contacts", &lead, None).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["tags"], json!(["diwali", "wholesale"]));
    assert_eq!(added["fields"]["source"], "exhibition");
    assert_eq!(added["owner"], "agent@shop.test", "a manager names the owner");
    let (_, mine) = t.get(&agent, "/api/conversations?queue=mine").await;
    assert_eq!(mine["items"][0]["id"], added["id"], "in the owner's queue: {mine}");

    // A retry (or a second click) finds the contact and changes nothing;
    // new tags are added, a source it has is kept.
    let (status, again) = t.post(&admin, "/api/contacts", &lead, None).await;
    assert_eq!((status, &again["id"], &again["tags"]), (200, &added["id"], &added["tags"]), "{again}");
    let more = json!({"phone": "9820012345", "tags": ["vip"], "source": "website"});
    let (_, more) = t.post(&admin, "/api/contacts", &more, None).await;
    assert_eq!(more["tags"], json!(["diwali", "vip", "wholesale"]));
    assert_eq!(more["fields"]["source"], "exhibition", "the first source stays");
    assert_eq!(t.contacts(&admin).await.len(), 1);

    // The lead's first custom field made its field map: the event stream
    // reads past that write, and the customer's message reaches the rules.
    let handled = || t.stack.events_invocations.finished.load(std::sync::atomic::Ordering::SeqCst);
    let before = handled();
    t.customer_says("919820012345", "Meena", "Is the Diwali offer on?").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while handled() == before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(handled() > before, "the events function ran on the lead's first message");

    // An agent's lead is their own; they cannot hand it to someone else,
    // and nobody can hand one to a stranger.
    let (status, body) =
        t.post(&agent, "/api/contacts", &json!({"phone": "9820099999", "owner": "owner@shop.test"}), None).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) =
        t.post(&admin, "/api/contacts", &json!({"phone": "9820099999", "owner": "nobody@shop.test"}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown_owner")), "{body}");
    let long = "x".repeat(2_000);
    let (status, _) = t.post(&admin, "/api/contacts", &json!({"phone": "9820099999", "source": long}), None).await;
    assert_eq!(status, 422);
    assert_eq!(t.contacts(&admin).await.len(), 1, "refused leads store nothing");
}
