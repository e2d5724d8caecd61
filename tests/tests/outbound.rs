//! Sending end to end: API → DynamoDB `queued` → SQS (moto) → sender → Cloud
//! API simulator → signed status webhooks → monotonic states.

use parley_e2e::{TestStack, ACCESS_TOKEN, ADMIN_EMAIL};
use parley_simulator::cloud_api::Faults;
use serde_json::{json, Value};
use std::time::Duration;

const CUSTOMER: &str = "919812345678";

/// How many templates the simulated business account has.
fn catalog_size() -> usize {
    parley_simulator::cloud_api::catalog().as_array().map_or(0, Vec::len)
}

async fn contact_id(t: &TestStack, cookie: &str) -> String {
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

/// Polls the timeline until `done` holds for the message `id`. Bounded
/// generously: moto is one process shared by every test running at once.
async fn wait_for(t: &TestStack, cookie: &str, contact: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..1800 {
        let timeline = t.timeline(cookie, contact).await;
        if let Some(m) = timeline.iter().find(|m| m["id"] == id || m["client_id"] == id) {
            if done(m) {
                return m.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("message {id} never reached the expected state: {:?}", t.timeline(cookie, contact).await);
}

async fn synced(t: &TestStack, cookie: &str) {
    let (status, body) = t.post(cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
}

fn text(body: &str) -> Value {
    json!({"type": "text", "text": body})
}

fn template(name: &str, language: &str, params: &[&str]) -> Value {
    json!({"type": "template", "template": {"name": name, "language": language, "params": params}})
}

#[tokio::test]
async fn a_reply_inside_the_window_reaches_meta_once_and_ends_read() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "Is the blue kurta in stock?").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let wamid_in = t.timeline(&cookie, &contact).await[0]["id"].as_str().unwrap().to_owned();
    let (status, queued) = t
        .post(
            &cookie,
            &format!("/api/contacts/{contact}/messages"),
            &json!({"type": "text", "text": "Yes, size M and L", "context": {"message_id": wamid_in}}),
            None,
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["estimate"]["free"], true, "a service reply is free");
    let id = queued["id"].as_str().unwrap();
    let sent = wait_for(&t, &cookie, &contact, id, |m| m["status"] == "read").await;
    assert_eq!(sent["direction"], "out");
    assert_eq!(sent["text"], "Yes, size M and L");
    assert_eq!(sent["context"]["message_id"], wamid_in, "the reply quotes the customer's message");
    let accepted = t.accepted().await;
    assert_eq!(accepted.len(), 1, "sent exactly once");
    assert_eq!(accepted[0]["to"], CUSTOMER);
    assert_eq!(accepted[0]["body"]["context"]["message_id"], wamid_in);
}

#[tokio::test]
async fn a_customer_who_hides_their_number_is_shown_by_username_and_answered_by_their_user_id() {
    let t = TestStack::start().await;
    let says =
        json!({"from": "IN.13491208655302741918", "name": "Meher", "username": "meher.designs", "text": "Price list?"});
    let r = t.http.post(format!("{}/sim/customer", t.simulator_url)).json(&says).send().await.unwrap();
    assert!(r.status().is_success());
    let cookie = t.login().await;
    let contact = t.contacts(&cookie).await[0].clone();
    assert_eq!((&contact["phone"], &contact["username"]), (&Value::Null, &json!("meher.designs")), "{contact}");
    let id = contact["id"].as_str().unwrap();
    let (status, queued) =
        t.post(&cookie, &format!("/api/contacts/{id}/messages"), &text("Sending it now"), None).await;
    assert_eq!(status, 202, "{queued}");
    wait_for(&t, &cookie, id, queued["id"].as_str().unwrap(), |m| m["status"] == "read").await;
    let accepted = t.accepted().await;
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["body"]["recipient"], "IN.13491208655302741918", "{}", accepted[0]["body"]);
    assert_eq!(accepted[0]["body"].get("to"), None, "no number to put in `to`");

    // A new username on their next message replaces the old one.
    let says =
        json!({"from": "IN.13491208655302741918", "name": "Meher", "username": "meher.studio", "text": "Thanks"});
    t.http.post(format!("{}/sim/customer", t.simulator_url)).json(&says).send().await.unwrap();
    let (_, shown) = t.get(&cookie, &format!("/api/contacts/{id}")).await;
    assert_eq!(shown["username"], "meher.studio");
}

#[tokio::test]
async fn staff_react_to_a_customer_message_and_take_the_reaction_back() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "Sent the payment just now").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let wamid = t.timeline(&cookie, &contact).await[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/contacts/{contact}/messages");
    let react = |emoji: &str| json!({"type": "reaction", "reaction": {"message_id": wamid, "emoji": emoji}});

    let (status, queued) = t.post(&cookie, &path, &react("🙏"), None).await;
    assert_eq!((status, &queued["estimate"]["free"]), (202, &json!(true)), "{queued}");
    let shown = wait_for(&t, &cookie, &contact, queued["id"].as_str().unwrap(), |m| m["status"] == "read").await;
    assert_eq!((&shown["type"], &shown["direction"]), (&json!("reaction"), &json!("out")));
    assert_eq!(
        shown["content"],
        json!({"kind": "reaction", "message_id": wamid, "emoji": "🙏"}),
        "on the message it is on"
    );
    let (status, removed) = t.post(&cookie, &path, &react(""), None).await;
    assert_eq!(status, 202, "{removed}");
    wait_for(&t, &cookie, &contact, removed["id"].as_str().unwrap(), |m| m["status"] == "read").await;
    let bodies: Vec<Value> = t.accepted().await.iter().map(|a| a["body"]["reaction"].clone()).collect();
    assert_eq!(bodies, [json!({"message_id": wamid, "emoji": "🙏"}), json!({"message_id": wamid, "emoji": ""})]);

    let (status, refused) = t.post(&cookie, &path, &react("thanks"), None).await;
    assert_eq!((status, &refused["error"]["code"]), (422, &json!("bad_reaction")), "{refused}");
    t.clock.advance(Duration::from_secs(25 * 3600));
    let cookie = t.login().await;
    let (status, refused) = t.post(&cookie, &path, &react("👍"), None).await;
    assert_eq!((status, &refused["error"]["code"]), (409, &json!("window_closed")), "{refused}");
    assert_eq!(t.accepted().await.len(), 2, "nothing refused reached Meta");
}

#[tokio::test]
async fn outside_the_window_text_is_refused_with_a_reason_and_a_template_goes() {
    let t = TestStack::start().await;
    let c = parley_simulator::Customer::new(CUSTOMER, "Asha");
    let two_days_ago =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 - 48 * 3600;
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.OLD", two_days_ago, "hello")])).await;
    let cookie = t.login().await;
    synced(&t, &cookie).await;
    let contact = contact_id(&t, &cookie).await;
    let path = format!("/api/contacts/{contact}/messages");

    let (status, refused) = t.post(&cookie, &path, &text("Are you still interested?"), None).await;
    assert_eq!(status, 409);
    assert_eq!(refused["error"]["code"], "window_closed");
    assert!(refused["error"]["message"].as_str().unwrap().contains("template"));
    assert_eq!(
        refused["error"]["window_closed_at"],
        parley::domain::Millis((two_days_ago + 24 * 3600) * 1000).to_rfc3339()
    );

    for (body, code) in [
        (template("no_such_template", "en_US", &[]), "unknown_template"),
        (template("order_update", "fr", &["a", "b"]), "template_language"),
        (template("order_update", "en_US", &["only one"]), "template_params"),
        (template("winter_teaser", "en_US", &[]), "template_not_approved"),
    ] {
        let (status, error) = t.post(&cookie, &path, &body, None).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error["error"]["code"], code);
    }
    assert!(t.accepted().await.is_empty(), "nothing refused reached Meta");

    let (status, queued) = t.post(&cookie, &path, &template("order_update", "en_US", &["Asha", "#1182"]), None).await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["estimate"]["amount_minor"], 12, "a utility template outside the window is billed");
    assert_eq!(queued["estimate"]["currency"], "INR");
    let id = queued["id"].as_str().unwrap();
    let m = wait_for(&t, &cookie, &contact, id, |m| m["status"] == "read").await;
    assert_eq!(m["text"], "Hi Asha, your order #1182 has shipped.");
    assert_eq!(t.accepted().await.len(), 1);
}

#[tokio::test]
async fn opted_out_contacts_get_no_marketing_but_still_get_utility() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "STOP").await;
    let cookie = t.login().await;
    synced(&t, &cookie).await;
    let contact = contact_id(&t, &cookie).await;
    t.contact_once(&cookie, &contact, |c| c["opted_out"] == true).await;
    let path = format!("/api/contacts/{contact}/messages");
    let (status, error) = t.post(&cookie, &path, &template("diwali_sale", "en_US", &["Asha"]), None).await;
    assert_eq!(status, 409);
    assert_eq!(error["error"]["code"], "opted_out");
    let (status, _) = t.post(&cookie, &path, &template("order_update", "en_US", &["Asha", "#1"]), None).await;
    assert_eq!(status, 202);
    let (status, _) =
        t.post(&cookie, &format!("/api/contacts/{contact}/opt_out"), &json!({"opted_out": false}), None).await;
    assert_eq!(status, 200);
    let (status, _) = t.post(&cookie, &path, &template("diwali_sale", "en_US", &["Asha"]), None).await;
    assert_eq!(status, 202, "staff can clear the flag");
}

#[tokio::test]
async fn a_retried_request_with_the_same_idempotency_key_sends_once() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let path = format!("/api/contacts/{contact}/messages");
    let (_, first) = t.post(&cookie, &path, &text("Hello!"), Some("key-123")).await;
    let (status, again) = t.post(&cookie, &path, &text("Hello!"), Some("key-123")).await;
    assert_eq!(status, 202);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["replayed"], true);
    wait_for(&t, &cookie, &contact, first["id"].as_str().unwrap(), |m| m["status"] == "read").await;
    assert_eq!(t.accepted().await.len(), 1);
    let outbound = t.timeline(&cookie, &contact).await.into_iter().filter(|m| m["direction"] == "out").count();
    assert_eq!(outbound, 1);
}

#[tokio::test]
async fn a_permanent_failure_is_shown_with_metas_reason_and_can_be_retried() {
    let t = TestStack::builder()
        .faults(Faults { failing_recipient_suffix: Some("5678".into()), ..Faults::default() })
        .start()
        .await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let (_, queued) =
        t.post(&cookie, &format!("/api/contacts/{contact}/messages"), &text("Your parcel is here"), None).await;
    let id = queued["id"].as_str().unwrap().to_owned();
    let failed = wait_for(&t, &cookie, &contact, &id, |m| m["status"] == "failed").await;
    assert_eq!(failed["errors"][0]["code"], 131026);
    assert_eq!(failed["errors"][0]["title"], "Message undeliverable");
    let wamid = failed["id"].as_str().unwrap().to_owned();
    let (status, _) = t.post(&cookie, &format!("/api/messages/{wamid}/retry"), &json!({}), None).await;
    assert_eq!(status, 202, "a failed message can be retried by staff");
    let (status, body) = t.post(&cookie, "/api/messages/pm.000000000000000000000000/retry", &json!({}), None).await;
    assert_eq!(status, 404, "{body}");
    for _ in 0..100 {
        if t.accepted().await.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(t.accepted().await.len(), 2, "the retry went out");
}

#[tokio::test]
async fn a_message_never_enqueued_is_sent_by_the_sweep() {
    use parley::domain::outbound::OutboundContent;
    use parley::domain::OutboundMessage;
    use parley::ports::OutboxStore;
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    let contact = parley::domain::ContactId::parse(&contact_id(&t, &cookie).await).unwrap();
    // The API's first write happened, then the process died before the enqueue.
    let now = parley::domain::Millis(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64,
    );
    let message = OutboundMessage {
        id: "pm.0123456789abcdef01234567".into(),
        reference: parley::domain::MessageRef::new(contact.clone(), now, "pm.0123456789abcdef01234567"),
        phone_number_id: parley_simulator::webhook::BusinessPhone::default().phone_number_id,
        to: CUSTOMER.into(),
        content: OutboundContent::Text { text: "orphaned".into() },
        reply_to: None,
        attempts: 0,
        created_at: now,
        sent_by: None,
    };
    let estimate = parley::domain::pricing::RateCards::default().estimate(
        Some(CUSTOMER),
        parley::domain::template::Category::Service,
        true,
    );
    t.stack.store.create_outbound(&message, "orphaned", &estimate, None, None, None).await.unwrap();
    wait_for(&t, &cookie, contact.as_str(), &message.id, |m| m["status"] == "read").await;
    assert_eq!(t.accepted().await.len(), 1);
}

#[tokio::test]
async fn under_faults_every_send_reaches_one_final_state_and_meta_gets_each_once() {
    const SENDS: usize = 80;
    let faults = Faults {
        server_error_rate: 0.15,
        timeout_rate: 0.15,
        timeout_ms: 1_000,
        duplicate_statuses: true,
        shuffle_statuses: true,
        ..Faults::default()
    };
    let t = TestStack::builder().faults(faults).start().await;
    t.customer_says(CUSTOMER, "Asha", "send me everything").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let path = format!("/api/contacts/{contact}/messages");
    let mut ids = Vec::new();
    // Eighty sends meet about a dozen server errors and a dozen timeouts:
    // enough to cross every path, without making this the suite's long pole.
    for i in 0..SENDS {
        let (status, queued) = t.post(&cookie, &path, &text(&format!("update {i}")), Some(&format!("k{i}"))).await;
        assert_eq!(status, 202, "{queued}");
        ids.push(queued["id"].as_str().unwrap().to_owned());
    }
    let finished = |m: &Value| m["status"] == "read" || m["status"] == "failed";
    let mut timeline = Vec::new();
    for _ in 0..900 {
        timeline = t.timeline(&cookie, &contact).await.into_iter().filter(|m| m["direction"] == "out").collect();
        if timeline.len() == SENDS && timeline.iter().all(finished) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(timeline.len(), SENDS);
    let unfinished: Vec<&Value> = timeline.iter().filter(|m| !finished(m)).collect();
    assert!(unfinished.is_empty(), "{} not final, e.g. {:?}", unfinished.len(), unfinished.first());
    assert!(timeline.iter().all(|m| m["status"] != "queued"));
    let accepted = t.accepted().await;
    let mut keys: Vec<String> = accepted.iter().map(|a| a["callback_data"].as_str().unwrap().to_owned()).collect();
    keys.sort();
    let total = keys.len();
    keys.dedup();
    assert_eq!(total, keys.len(), "Meta received a message twice");
    assert_eq!(total, SENDS, "every message was accepted exactly once");
    assert!(timeline.iter().all(|m| m["status"] == "read"), "no recipient fails here, so all end read");
    assert!(
        timeline.iter().any(|m| m["attempts"].as_u64() > Some(1)),
        "the faults were met: some send took a second attempt"
    );
}

#[tokio::test]
async fn throttling_backs_off_and_still_sends_each_once() {
    // Two a second, and the first five sends refused whatever their pace: a
    // loaded machine may send too slowly to reach any rate.
    let faults = Faults { max_per_second: Some(2), throttle_next: 5, ..Faults::default() };
    let t = TestStack::builder().faults(faults).start().await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let mut ids = Vec::new();
    for i in 0..15 {
        let (status, queued) =
            t.post(&cookie, &format!("/api/contacts/{contact}/messages"), &text(&format!("n{i}")), None).await;
        assert_eq!(status, 202);
        ids.push(queued["id"].as_str().unwrap().to_owned());
    }
    let mut retried = 0;
    for id in &ids {
        let m = wait_for(&t, &cookie, &contact, id, |m| m["status"] == "read").await;
        if m["attempts"].as_u64().unwrap_or(0) > 1 {
            retried += 1;
        }
    }
    assert!(retried > 0, "some sends met 130429 and were retried");
    assert_eq!(t.accepted().await.len(), 15);
}

#[tokio::test]
async fn the_spend_report_counts_billable_and_free_messages_once() {
    let t = TestStack::builder().faults(Faults { duplicate_statuses: true, ..Faults::default() }).start().await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    synced(&t, &cookie).await;
    let (_, templates) = t.get(&cookie, "/api/templates").await;
    assert_eq!(templates["items"].as_array().unwrap().len(), catalog_size());
    let contact = contact_id(&t, &cookie).await;
    // Before typing, the composer learns a reply is free inside the window,
    // and what the template needed once it closes costs.
    let (status, notice) = t.get(&cookie, &format!("/api/contacts/{contact}/reply_estimate")).await;
    assert_eq!(status, 200, "{notice}");
    assert_eq!(notice["window_open"], true, "{notice}");
    assert_eq!((notice["reply"]["free"].as_bool(), notice["reply"]["amount_minor"].as_u64()), (Some(true), Some(0)));
    assert_eq!(
        (notice["template"]["category"].as_str(), notice["template"]["free"].as_bool()),
        (Some("utility"), Some(false))
    );
    assert_eq!(notice["template"]["amount_minor"], 12, "India's utility rate in paise: {notice}");
    let path = format!("/api/contacts/{contact}/messages");
    let (_, reply) = t.post(&cookie, &path, &text("Thanks!"), None).await;
    let (_, promo) = t.post(&cookie, &path, &template("diwali_sale", "en_US", &["Asha"]), None).await;
    assert_eq!(promo["estimate"]["amount_minor"], 78, "marketing is billed even inside the window");
    let (_, update) = t.post(&cookie, &path, &template("order_update", "en_US", &["Asha", "#7"]), None).await;
    assert_eq!(update["estimate"]["free"], true, "utility inside the window is free");
    for queued in [&reply, &promo, &update] {
        wait_for(&t, &cookie, &contact, queued["id"].as_str().unwrap(), |m| m["status"] == "read").await;
    }
    let (status, report) = t.get(&cookie, "/api/reports/spend").await;
    assert_eq!(status, 200, "{report}");
    let line = |category: &str| {
        report["items"].as_array().unwrap().iter().find(|l| l["category"] == category).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(line("marketing")["billable"], 1, "{report}");
    assert_eq!(line("utility")["free"], 1, "{report}");
    assert_eq!(line("service")["free"], 1, "{report}");
    // Priced at the rate card, per category and per number that sent.
    let inr_78 = json!([{"currency": "INR", "amount_minor": 78}]);
    assert_eq!((&line("marketing")["costs"], &report["total"]["costs"]), (&inr_78, &inr_78), "{report}");
    assert_eq!(line("utility")["costs"], json!([]), "free messages cost nothing");
    let numbers = report["by_number"].as_array().unwrap();
    assert_eq!(numbers.len(), 1, "{report}");
    assert_eq!(
        (numbers[0]["phone_number_id"].as_str(), numbers[0]["billable"].as_u64(), numbers[0]["free"].as_u64()),
        (Some("106540352242922"), Some(1), Some(2))
    );
    // The month's end is forecast linearly from the days elapsed.
    let (elapsed, days) = (report["days_elapsed"].as_u64().unwrap(), report["days_in_month"].as_u64().unwrap());
    assert!((1..=days).contains(&elapsed) && (28..=31).contains(&days), "{report}");
    assert_eq!(line("marketing")["billable_forecast"], (days + elapsed / 2) / elapsed, "{report}");
    let (_, past) = t.get(&cookie, "/api/reports/spend?month=2001-02").await;
    assert_eq!((past["days_elapsed"].as_u64(), past["days_in_month"].as_u64()), (Some(28), Some(28)), "{past}");
    assert_eq!(t.get(&cookie, "/api/reports/spend?month=2026-13x").await.0, 400);
    assert_eq!(t.get(&cookie, "/api/reports/spend?month=2026-13").await.0, 400, "no thirteenth month");

    // Each message is the admin's in the timeline, and (once the events
    // function has read who sent each priced one) charged to them alone,
    // once however often Meta repeated its statuses.
    let timeline = t.timeline(&cookie, &contact).await;
    for queued in [&reply, &promo, &update] {
        let sent = timeline.iter().find(|m| m["id"] == queued["id"]).unwrap();
        assert_eq!(sent["sent_by"], ADMIN_EMAIL, "{sent}");
    }
    assert!(timeline.iter().filter(|m| m["direction"] == "in").all(|m| m["sent_by"].is_null()));
    let mut report = Value::Null;
    for _ in 0..60 {
        t.settle().await;
        report = t.get(&cookie, "/api/reports/spend").await.1;
        let charged = report["by_agent"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| a["billable"].as_u64().unwrap_or(0) + a["free"].as_u64().unwrap_or(0));
        if charged.sum::<u64>() >= 3 {
            break;
        }
    }
    let agents = report["by_agent"].as_array().unwrap();
    assert_eq!(agents.len(), 1, "the team sent everything: no remainder line: {report}");
    assert_eq!(
        (agents[0]["agent"].as_str(), agents[0]["billable"].as_u64(), agents[0]["free"].as_u64()),
        (Some(ADMIN_EMAIL), Some(1), Some(2)),
        "{report}"
    );
    assert_eq!(agents[0]["costs"], inr_78, "{report}");
    assert_eq!(report["total"]["billable"], 1, "the sender's count is not added to the month's: {report}");
}

#[tokio::test]
async fn an_unreadable_job_ends_in_the_dead_letter_queue() {
    let t = TestStack::start().await;
    let sqs = aws_sdk_sqs::Client::new(&parley::adapters::aws::load_config().await);
    sqs.send_message().queue_url(&t.stack.outbound_queue_url).message_body("not a job").send().await.unwrap();
    let dlq = t.queue_url(&sqs, "OutboundDeadLetterQueue").await;
    for _ in 0..300 {
        let got = sqs.receive_message().queue_url(&dlq).wait_time_seconds(1).send().await.unwrap();
        if let Some(m) = got.messages().first() {
            assert_eq!(m.body(), Some("not a job"));
            return;
        }
    }
    panic!("the poison job never reached the dead-letter queue");
}

async fn set_faults(t: &TestStack, faults: &Faults) {
    let r = t.http.put(format!("{}/sim/faults", t.simulator_url)).json(faults).send().await.unwrap();
    assert!(r.status().is_success());
}

#[tokio::test]
async fn template_sync_follows_pages_only_on_the_cloud_api_host_and_never_answers_with_the_token() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    // Meta's paging links carry the access token in their query.
    let page = |base: &str, after: &str| {
        format!("{base}/v23.0/102290129340398/message_templates?access_token={ACCESS_TOKEN}&limit=100&after={after}")
    };
    set_faults(&t, &Faults { templates_next: Some(page(&t.simulator_url, "2")), ..Faults::default() }).await;
    let (status, body) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["synced"], catalog_size(), "the second page on the Cloud API's host is followed");

    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere_url = format!("http://{}", elsewhere.local_addr().unwrap());
    for next in [page(&t.simulator_url, "FAIL"), page(&elsewhere_url, "2")] {
        set_faults(&t, &Faults { templates_next: Some(next.clone()), ..Faults::default() }).await;
        let (status, body) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
        assert_eq!(status, 502, "{next}: {body}");
        assert_eq!(body["error"]["code"], "cloud_api_unavailable");
        let text = body.to_string();
        assert!(!text.contains(ACCESS_TOKEN), "the answer carries the token: {text}");
        assert!(!text.contains("127.0.0.1") && !text.contains("message_templates"), "the answer carries a URL: {text}");
    }
    let contacted = tokio::time::timeout(Duration::from_millis(200), elsewhere.accept()).await;
    assert!(contacted.is_err(), "the token was sent to another host");
}

#[tokio::test]
async fn a_catalog_read_meta_is_slow_to_answer_is_tried_again() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    // The stack's Cloud API client gives up after 400 ms.
    let slow = |reads| Faults { slow_catalog_reads: reads, timeout_ms: 1_000, ..Faults::default() };
    set_faults(&t, &slow(2)).await;
    let (status, body) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["synced"], catalog_size(), "the third try read the catalog");
    set_faults(&t, &slow(3)).await;
    let (status, body) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (502, Some("cloud_api_unavailable")),
        "three tries, then it says so"
    );
}

async fn contact_with_phone(t: &TestStack, cookie: &str, wa_id: &str) -> String {
    let contacts = t.contacts(cookie).await;
    let contact = contacts.iter().find(|c| c["wa_id"] == wa_id).expect("the customer's contact");
    contact["id"].as_str().unwrap().to_owned()
}

async fn wait_for_accepted(t: &TestStack, count: usize) -> Vec<Value> {
    for _ in 0..300 {
        let accepted = t.accepted().await;
        if accepted.len() >= count {
            return accepted;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    t.accepted().await
}

#[tokio::test]
async fn an_idempotency_key_belongs_to_its_user_route_and_request() {
    const OTHER: &str = "919800011122";
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    t.customer_says(OTHER, "Ravi", "hello").await;
    let admin = t.login().await;
    let asha = format!("/api/contacts/{}/messages", contact_with_phone(&t, &admin, CUSTOMER).await);
    let ravi = format!("/api/contacts/{}/messages", contact_with_phone(&t, &admin, OTHER).await);
    let first_agent = t.teammate(&admin, "agent1@shop.test", "agent").await;
    let second_agent = t.teammate(&admin, "agent2@shop.test", "agent").await;

    let (status, first) = t.post(&first_agent, &asha, &text("Hello Asha"), Some("key-1")).await;
    assert_eq!((status, &first["replayed"]), (202, &json!(false)), "{first}");
    let (status, other) = t.post(&second_agent, &ravi, &text("Hello Ravi"), Some("key-1")).await;
    assert_eq!(status, 202, "{other}");
    assert_eq!(other["replayed"], false, "another agent's key is another key");
    assert_ne!(other["id"], first["id"]);
    let (status, again) = t.post(&first_agent, &ravi, &text("Hello Ravi"), Some("key-1")).await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["replayed"], false, "the same key for another contact's route is another key");
    let (status, refused) = t.post(&first_agent, &asha, &text("Something else"), Some("key-1")).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "idempotency_key_reused");
    let (status, replay) = t.post(&first_agent, &asha, &text("Hello Asha"), Some("key-1")).await;
    assert_eq!(status, 202, "{replay}");
    assert_eq!((&replay["id"], &replay["replayed"]), (&first["id"], &json!(true)), "same user, route and body");

    let accepted = wait_for_accepted(&t, 3).await;
    let mut recipients: Vec<&str> = accepted.iter().map(|a| a["to"].as_str().unwrap()).collect();
    recipients.sort();
    assert_eq!(recipients, [OTHER, OTHER, CUSTOMER], "each send reached its own contact, once");
}

#[tokio::test]
async fn a_2xx_without_a_readable_answer_is_unknown_and_not_retried_within_the_grace_period() {
    let t = TestStack::builder()
        .faults(Faults { garbage_success: true, withhold_statuses: true, ..Faults::default() })
        .start()
        .await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let (_, queued) = t.post(&cookie, &format!("/api/contacts/{contact}/messages"), &text("Your parcel"), None).await;
    let id = queued["id"].as_str().unwrap().to_owned();
    let m = wait_for(&t, &cookie, &contact, &id, |m| m["outcome_unknown"] == true || m["status"] == "failed").await;
    assert_eq!((&m["status"], &m["outcome_unknown"]), (&json!("sending"), &json!(true)), "Meta took it: {m}");

    let retry = format!("/api/messages/{id}/retry");
    let (status, refused) = t.post(&cookie, &retry, &json!({}), None).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "outcome_pending");
    let retry_after = refused["error"]["retry_after"].as_str().unwrap().to_owned();
    t.clock.advance(Duration::from_secs(9 * 60));
    let (status, refused) = t.post(&cookie, &retry, &json!({}), None).await;
    assert_eq!(status, 409, "still within the grace period: {refused}");
    assert_eq!(refused["error"]["retry_after"], retry_after.as_str());
    assert_eq!(t.accepted().await.len(), 1, "not sent again");

    t.clock.advance(Duration::from_secs(2 * 60));
    let (status, body) = t.post(&cookie, &retry, &json!({}), None).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(wait_for_accepted(&t, 2).await.len(), 2, "the retry went out once the grace period was over");
}

#[tokio::test]
async fn a_retry_obeys_the_send_rules_as_they_are_now() {
    use parley::ports::TemplateCatalog;
    let t = TestStack::builder()
        .faults(Faults { failing_recipient_suffix: Some("5678".into()), ..Faults::default() })
        .start()
        .await;
    t.customer_says(CUSTOMER, "Asha", "hi").await;
    let cookie = t.login().await;
    synced(&t, &cookie).await;
    let contact = contact_id(&t, &cookie).await;
    let path = format!("/api/contacts/{contact}/messages");
    let mut ids = Vec::new();
    for body in [
        text("Your parcel is here"),
        template("diwali_sale", "en_US", &["Asha"]),
        template("order_update", "en_US", &["Asha", "#1"]),
    ] {
        let (status, queued) = t.post(&cookie, &path, &body, None).await;
        assert_eq!(status, 202, "{queued}");
        let id = queued["id"].as_str().unwrap().to_owned();
        wait_for(&t, &cookie, &contact, &id, |m| m["status"] == "failed").await;
        ids.push(id);
    }
    let retry = |id: &str| format!("/api/messages/{id}/retry");

    t.customer_says(CUSTOMER, "Asha", "STOP").await;
    t.contact_once(&cookie, &contact, |c| c["opted_out"] == true).await;
    let (status, refused) = t.post(&cookie, &retry(&ids[1]), &json!({}), None).await;
    assert_eq!((status, &refused["error"]["code"]), (409, &json!("opted_out")), "{refused}");

    let mut paused = t.stack.store.template_translations("order_update").await.unwrap();
    paused.iter_mut().for_each(|template| template.status = "PAUSED".into());
    t.stack.store.put_templates(&paused).await.unwrap();
    let (status, refused) = t.post(&cookie, &retry(&ids[2]), &json!({}), None).await;
    assert_eq!((status, &refused["error"]["code"]), (422, &json!("template_not_approved")), "{refused}");

    t.clock.advance(Duration::from_secs(25 * 3600));
    let cookie = t.login().await;
    let (status, refused) = t.post(&cookie, &retry(&ids[0]), &json!({}), None).await;
    assert_eq!((status, &refused["error"]["code"]), (409, &json!("window_closed")), "{refused}");
    let timeline = t.timeline(&cookie, &contact).await;
    for id in &ids {
        let m = timeline.iter().find(|m| m["client_id"] == id.as_str() || m["id"] == id.as_str()).unwrap();
        assert_eq!(m["status"], "failed", "a refused retry queues nothing: {m}");
    }
}

#[tokio::test]
async fn the_business_prices_a_market_and_every_estimate_after_uses_them() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "Any offers?").await;
    let admin = t.login().await;
    synced(&t, &admin).await;
    let contact = contact_id(&t, &admin).await;
    let path = format!("/api/contacts/{contact}/messages");
    let (_, before) = t.post(&admin, &path, &template("diwali_sale", "en_US", &["Asha"]), None).await;
    let published = before["estimate"]["amount_minor"].as_u64().unwrap();

    let prices = json!({"lines": [{"market": "91", "category": "marketing", "amount_minor": published + 11}]});
    let (status, card) = t.request(&admin, "PUT", "/api/rate_card", Some(&prices)).await;
    assert_eq!(status, 200, "{card}");
    assert_eq!(card["by_prefix"]["91"]["per_message"]["marketing"], json!(published + 11));
    assert_eq!(card["overrides"], prices);
    let (_, after) = t.post(&admin, &path, &template("diwali_sale", "en_US", &["Asha"]), None).await;
    assert_eq!(
        after["estimate"]["amount_minor"],
        json!(published + 11),
        "the send is priced with the business's price"
    );

    // Meta's volume tiers: utility after the month's first 1,000 is cheaper.
    // Estimates stay at the list price; the spend report prices through them.
    let mut tiered = prices.clone();
    tiered["lines"]
        .as_array_mut()
        .unwrap()
        .push(json!({"market": "91", "category": "utility", "amount_minor": 9, "after": 1000}));
    let (status, card) = t.request(&admin, "PUT", "/api/rate_card", Some(&tiered)).await;
    assert_eq!(status, 200, "{card}");
    assert_eq!(
        card["by_prefix"]["91"]["volume_tiers"],
        json!([{"category": "utility", "after": 1000, "amount_minor": 9}])
    );
    let marketing_tier =
        json!({"lines": [{"market": "91", "category": "marketing", "amount_minor": 50, "after": 1000}]});
    let (status, refused) = t.request(&admin, "PUT", "/api/rate_card", Some(&marketing_tier)).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("volume tiers"), "{refused}");
    let (status, card) = t.request(&admin, "PUT", "/api/rate_card", Some(&prices)).await;
    assert_eq!((status, card["by_prefix"]["91"].get("volume_tiers")), (200, None), "a tier taken away is gone");

    // Once the admin says Meta bills service replies, the composer's reply
    // inside the window is priced at the utility rate, and so is a utility
    // template there.
    let estimate = format!("/api/contacts/{contact}/reply_estimate");
    assert_eq!(t.get(&admin, &estimate).await.1["reply"]["free"], true);
    let mut billed = prices.clone();
    billed["service_billed"] = json!(true);
    let (status, card) = t.request(&admin, "PUT", "/api/rate_card", Some(&billed)).await;
    assert_eq!((status, &card["overrides"]["service_billed"]), (200, &json!(true)), "{card}");
    let (_, notice) = t.get(&admin, &estimate).await;
    assert_eq!(notice["window_open"], true, "{notice}");
    assert_eq!((notice["reply"]["free"].as_bool(), notice["reply"]["amount_minor"].as_u64()), (Some(false), Some(12)));
    let (_, update) = t.post(&admin, &path, &template("order_update", "en_US", &["Asha", "#7"]), None).await;
    assert_eq!((&update["estimate"]["free"], &update["estimate"]["amount_minor"]), (&json!(false), &json!(12)));
    assert_eq!(notice["free_replies_left"], Value::Null, "no allowance was set");

    // A monthly allowance of free replies, counted against the month's
    // service replies so far: free while some are left, billed after.
    assert_eq!(t.post(&admin, &path, &text("We have it in M"), None).await.0, 202);
    let mut used = 0;
    for _ in 0..300 {
        // The reply counts once Meta's priced status for it is in.
        let (_, report) = t.get(&admin, "/api/reports/spend").await;
        used = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["category"] == "service")
            .map(|l| l["billable"].as_u64().unwrap() + l["free"].as_u64().unwrap())
            .sum();
        if used > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(used > 0, "the reply's priced status was counted");
    let mut allowance = billed.clone();
    allowance["free_service_replies"] = json!(used + 2);
    let (status, card) = t.request(&admin, "PUT", "/api/rate_card", Some(&allowance)).await;
    assert_eq!((status, &card["overrides"]["free_service_replies"]), (200, &json!(used + 2)), "{card}");
    let (_, notice) = t.get(&admin, &estimate).await;
    assert_eq!((notice["reply"]["free"].as_bool(), notice["free_replies_left"].as_u64()), (Some(true), Some(2)));
    allowance["free_service_replies"] = json!(used);
    t.request(&admin, "PUT", "/api/rate_card", Some(&allowance)).await;
    let (_, notice) = t.get(&admin, &estimate).await;
    assert_eq!((notice["reply"]["free"].as_bool(), notice["free_replies_left"].as_u64()), (Some(false), Some(0)));
    assert_eq!(t.request(&admin, "PUT", "/api/rate_card", Some(&prices)).await.0, 200);

    // Other markets are priced in dollars on the rupee card: all three or none.
    let partial = json!({"lines": [{"market": "*", "category": "marketing", "amount_minor": 500}]});
    let (status, refused) = t.request(&admin, "PUT", "/api/rate_card", Some(&partial)).await;
    assert_eq!((status, &refused["error"]["code"]), (422, &json!("invalid")), "{refused}");
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let (status, _) = t.request(&manager, "PUT", "/api/rate_card", Some(&json!({"lines": []}))).await;
    assert_eq!(status, 403);
    let (_, card) = t.get(&manager, "/api/rate_card").await;
    assert_eq!(card["overrides"], prices, "a refused change changes nothing");
}
