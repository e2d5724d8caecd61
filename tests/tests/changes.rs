//! `GET /api/changes`, the live feed: a poll when nothing changed is empty
//! and cheap; a new message, a delivery tick and an assignment each show
//! exactly once; a cursor the feed did not hand out is refused; an agent
//! never learns of a conversation they may not see.

use base64::Engine;
use parley::adapters::dynamo::keys;
use parley::domain::ContactId;
use parley::ports::Clock;
use parley_e2e::TestStack;
use parley_simulator::webhook::{envelope, messages_change, status, BusinessPhone};
use serde_json::{json, Value};

const CUSTOMER: &str = "919812340001";

async fn poll(t: &TestStack, cookie: &str, contact: Option<&str>, since: Option<&str>) -> Value {
    let mut path = "/api/changes?".to_owned();
    if let Some(contact) = contact {
        path.push_str(&format!("contact={contact}&"));
    }
    if let Some(since) = since {
        path.push_str(&format!("since={since}"));
    }
    let (status, body) = t.get(cookie, &path).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn cursor(changes: &Value) -> String {
    changes["cursor"].as_str().expect("a cursor").to_owned()
}

fn message_ids(changes: &Value) -> Vec<String> {
    changes["messages"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
}

fn row_ids(changes: &Value) -> Vec<String> {
    changes["contacts"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

fn assert_nothing(changes: &Value, after: &str) {
    assert_eq!(changes["messages"], json!([]), "no message after {after}: {changes}");
    assert_eq!(changes["contacts"], json!([]), "no row after {after}: {changes}");
    assert_eq!(changes["contact"], Value::Null, "no contact after {after}: {changes}");
    assert_eq!(changes["counts"], Value::Null, "no counts after {after}: {changes}");
    assert_eq!(changes["notes_changed"], false, "no notes after {after}");
}

#[tokio::test]
async fn each_change_shows_once_and_an_idle_poll_is_empty_and_one_step_of_reads() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "Is the blue kurta in stock?").await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let contact_id = ContactId::parse(&contact).unwrap();

    let first = poll(&t, &admin, Some(&contact), None).await;
    assert_eq!(first["contact"]["id"], contact, "the first answer holds the open contact");
    assert_eq!(first["messages"].as_array().unwrap().len(), 1, "and its recent messages: {first}");
    assert_eq!(first["counts"]["waiting_on_us"], json!({"n": 1, "more": false}), "and the counts");
    assert_eq!(first["counts"]["all"]["n"], 1);
    assert_eq!(row_ids(&first), [contact.as_str()]);

    let before = t.stack.api_round_trips.get();
    t.get(&admin, "/api/me").await;
    let session_cost = t.stack.api_round_trips.get() - before;
    let before = t.stack.api_round_trips.get();
    let idle = poll(&t, &admin, Some(&contact), Some(&cursor(&first))).await;
    assert_eq!(
        t.stack.api_round_trips.get() - before - session_cost,
        2 + u64::from(parley::adapters::dynamo::keys::INDEX_SHARDS),
        "an idle poll reads the open conversation's partition, the top of each shard of the activity list \
         (the shard Queries run side by side: one step) and the caller's unread notification count"
    );
    assert_nothing(&idle, "an idle interval");

    // A new inbound message: once, with its row. Meta stamps messages in
    // whole seconds, and a message in the same second as the last one moves
    // nothing a row shows; this one is a second later, as the next message
    // from a person typing is.
    let into_second = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_millis();
    tokio::time::sleep(std::time::Duration::from_millis(u64::from(1_010 - into_second))).await;
    t.customer_says(CUSTOMER, "Asha", "And in red?").await;
    let news = poll(&t, &admin, Some(&contact), Some(&cursor(&idle))).await;
    let texts: Vec<&str> = news["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["And in red?"], "{news}");
    assert_eq!(row_ids(&news), [contact.as_str()], "its row moved");
    assert_eq!(news["contacts"][0]["unread"], true, "and says it is unread, as the list does: {news}");
    let again = poll(&t, &admin, Some(&contact), Some(&cursor(&news))).await;
    assert_nothing(&again, "the message was shown");

    // A tick on an outbound message: the message once per status.
    let sk = t.plant_outbound(&contact_id, "pm.live-1", t.clock.now(), "queued").await;
    let queued = poll(&t, &admin, Some(&contact), Some(&cursor(&again))).await;
    assert_eq!(message_ids(&queued), ["pm.live-1"]);
    assert_eq!(queued["messages"][0]["status"], "queued");
    let shown = poll(&t, &admin, Some(&contact), Some(&cursor(&queued))).await;
    assert_nothing(&shown, "the queued message was shown");
    let mut delivered = status("wamid.LIVE1", "delivered", t.clock.now().0 / 1000, CUSTOMER);
    delivered["biz_opaque_callback_data"] = json!(keys::message_ref(&contact_id, &sk).callback_data());
    let webhook = envelope(vec![messages_change(&BusinessPhone::default(), vec![], vec![], vec![delivered])]);
    assert_eq!(t.post_json_webhook(&webhook).await.status(), 200);
    let ticked = poll(&t, &admin, Some(&contact), Some(&cursor(&shown))).await;
    assert_eq!(message_ids(&ticked), ["pm.live-1"], "{ticked}");
    assert_eq!(ticked["messages"][0]["status"], "delivered");
    let after_tick = poll(&t, &admin, Some(&contact), Some(&cursor(&ticked))).await;
    assert_nothing(&after_tick, "the tick was shown");

    // An assignment: the contact once, and the counts that moved.
    let (code, body) =
        t.post(&admin, &format!("/api/contacts/{contact}/assign"), &json!({"owner": "agent@shop.test"}), None).await;
    assert_eq!(code, 200, "{body}");
    let assigned = poll(&t, &admin, Some(&contact), Some(&cursor(&after_tick))).await;
    assert_eq!(assigned["contact"]["owner"], "agent@shop.test", "{assigned}");
    assert_eq!(assigned["messages"], json!([]));
    let after_assign = poll(&t, &admin, Some(&contact), Some(&cursor(&assigned))).await;
    assert_nothing(&after_assign, "the assignment was shown");

    // A note by a teammate: flagged once.
    let (code, _) =
        t.post(&agent, &format!("/api/contacts/{contact}/notes"), &json!({"text": "Wants red"}), None).await;
    assert_eq!(code, 201);
    let noted = poll(&t, &admin, Some(&contact), Some(&cursor(&after_assign))).await;
    assert_eq!(noted["notes_changed"], true, "{noted}");
    assert_nothing(&poll(&t, &admin, Some(&contact), Some(&cursor(&noted))).await, "the note was flagged");
}

#[tokio::test]
async fn counts_are_recounted_with_time_and_sent_only_when_they_changed() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "Hello?").await;
    let admin = t.login().await;
    let first = poll(&t, &admin, None, None).await;
    assert_eq!(first["counts"]["overdue"]["n"], 0);

    // Past the SLA (15 minutes): the counts are recounted and overdue moved.
    t.clock.advance(std::time::Duration::from_secs(16 * 60));
    let later = poll(&t, &admin, None, Some(&cursor(&first))).await;
    assert_eq!(later["counts"]["overdue"]["n"], 1, "{later}");
    assert_eq!(later["contacts"], json!([]), "no row moved");

    // Recounted again later, the same: not sent.
    t.clock.advance(std::time::Duration::from_secs(3 * 60));
    let same = poll(&t, &admin, None, Some(&cursor(&later))).await;
    assert_nothing(&same, "a recount that found the same counts");
}

#[tokio::test]
async fn a_cursor_the_feed_did_not_hand_out_is_refused() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let forged = [
        "not-a-cursor".to_owned(),
        engine.encode(br#"{"v":7}"#),
        engine.encode(br#"{"v":1,"messages":["<img src=x>"]}"#),
    ];
    for since in forged {
        let (code, body) = t.get(&admin, &format!("/api/changes?since={since}")).await;
        assert_eq!(code, 400, "{since}: {body}");
        assert_eq!(body["error"]["code"], "bad_cursor");
    }
    let fresh = poll(&t, &admin, None, None).await;
    poll(&t, &admin, None, Some(&cursor(&fresh))).await;
}

#[tokio::test]
async fn an_agent_never_sees_a_conversation_they_may_not_see() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    t.teammate(&admin, "other@shop.test", "agent").await;
    t.customer_says("919812340002", "Theirs", "hello").await;
    let theirs = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let (code, _) =
        t.post(&admin, &format!("/api/contacts/{theirs}/assign"), &json!({"owner": "other@shop.test"}), None).await;
    assert_eq!(code, 200);

    let (code, body) = t.get(&agent, &format!("/api/changes?contact={theirs}")).await;
    assert_eq!(code, 404, "a teammate's conversation is not found: {body}");
    assert!(!body.to_string().contains("hello"), "nothing of it leaks: {body}");

    let first = poll(&t, &agent, None, None).await;
    assert_eq!(first["contacts"], json!([]), "no row of theirs: {first}");
    assert_eq!(first["counts"]["all"]["n"], 0);
    let c = cursor(&first);
    // The cursor of someone who saw it does not open it either.
    let admin_cursor = cursor(&poll(&t, &admin, Some(&theirs), None).await);
    let (code, _) = t.get(&agent, &format!("/api/changes?contact={theirs}&since={admin_cursor}")).await;
    assert_eq!(code, 404);

    t.customer_says("919812340002", "Theirs", "are you there?").await;
    t.customer_says("919812340003", "Mine", "hi").await;
    let news = poll(&t, &agent, None, Some(&c)).await;
    let rows = row_ids(&news);
    assert_eq!(rows.len(), 1, "only the unassigned newcomer: {news}");
    assert_ne!(rows[0], theirs);
    assert!(!news.to_string().contains("are you there?"));
    assert_eq!(news["counts"]["all"]["n"], 1);
}

#[tokio::test]
async fn a_message_stamped_behind_the_clock_still_shows() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let customer = parley_simulator::Customer::new(CUSTOMER, "Asha");
    let an_hour_ago = t.clock.now().0 / 1000 - 3600;
    let first = customer.webhook(vec![customer.text("wamid.LAG1", an_hour_ago, "Hello?")]);
    assert_eq!(t.post_json_webhook(&first).await.status(), 200);
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let start = poll(&t, &admin, Some(&contact), None).await;
    let idle = poll(&t, &admin, Some(&contact), Some(&cursor(&start))).await;
    assert_nothing(&idle, "the first message was shown");

    // Meta delivers the next one late: its time is the customer's, 59 minutes ago.
    let second = customer.webhook(vec![customer.text("wamid.LAG2", an_hour_ago + 60, "Anyone there?")]);
    assert_eq!(t.post_json_webhook(&second).await.status(), 200);
    let news = poll(&t, &admin, Some(&contact), Some(&cursor(&idle))).await;
    assert_eq!(message_ids(&news), ["wamid.LAG2"], "{news}");
}
