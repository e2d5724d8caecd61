//! Domain events end to end: each committed change writes its event in its
//! own transaction; DynamoDB Local's stream, read by the local runner, feeds
//! the events function, which puts them on the EventBridge bus (moto), where
//! a rule with an SQS target lets the test see exactly what was published.

use parley::domain::Millis;
use parley::ports::{EventLog, PageRequest};
use parley_e2e::{repo_root, unique_table, TestStack};
use parley_simulator::webhook::BusinessPhone;
use parley_simulator::Customer;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An SQS queue subscribed to everything Parley publishes on the stack's bus.
struct BusTap {
    sqs: aws_sdk_sqs::Client,
    url: String,
}

impl BusTap {
    async fn on(t: &TestStack) -> Self {
        let sdk = parley::adapters::aws::load_config().await;
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        let url = sqs.create_queue().queue_name(unique_table("tap")).send().await.unwrap().queue_url.unwrap();
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap();
        let arn = attributes.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn].clone();
        let eventbridge = aws_sdk_eventbridge::Client::new(&sdk);
        let bus = &t.stack.event_bus_name;
        eventbridge
            .put_rule()
            .name("tap")
            .event_bus_name(bus)
            .event_pattern(json!({"source": ["parley"]}).to_string())
            .send()
            .await
            .unwrap();
        let target = aws_sdk_eventbridge::types::Target::builder().id("tap").arn(arn).build().unwrap();
        eventbridge.put_targets().rule("tap").event_bus_name(bus).targets(target).send().await.unwrap();
        BusTap { sqs, url }
    }

    /// Everything published, once at least `expected` arrived and a quiet
    /// second passed with nothing more (or the deadline came).
    async fn published(&self, expected: usize) -> Vec<Value> {
        // Generous: it returns as soon as the expected events are in, and a
        // loaded machine (browsers beside the tests) can take a while.
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut seen = Vec::new();
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .unwrap();
            let got = out.messages().len();
            for message in out.messages() {
                seen.push(serde_json::from_str::<Value>(message.body().unwrap()).unwrap());
                self.sqs
                    .delete_message()
                    .queue_url(&self.url)
                    .receipt_handle(message.receipt_handle().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
            if (seen.len() >= expected && got == 0) || Instant::now() > deadline {
                return seen;
            }
        }
    }
}

fn kinds(published: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for event in published {
        *counts.entry(event["detail-type"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    counts
}

fn of_kind<'a>(published: &'a [Value], kind: &str) -> Vec<&'a Value> {
    published.iter().filter(|e| e["detail-type"] == kind).collect()
}

#[tokio::test]
async fn an_inbound_message_is_published_once_and_its_redelivery_publishes_nothing_in_one_round_trip() {
    let t = TestStack::start().await;
    let tap = BusTap::on(&t).await;
    let c = Customer::new("919812345678", "Ravi");
    let webhook = c.webhook(vec![c.text("wamid.EV1", 1_700_000_000, "my number is 919812345678")]);
    let before = t.round_trips();
    assert_eq!(t.post_json_webhook(&webhook).await.status(), 200);
    assert_eq!(t.round_trips() - before, 1, "the event rides in the message's one transaction");
    let before = t.round_trips();
    for _ in 0..2 {
        assert_eq!(t.post_json_webhook(&webhook).await.status(), 200);
    }
    assert_eq!(t.round_trips() - before, 2, "a redelivery is still one round trip");

    let published = tap.published(2).await;
    assert_eq!(
        kinds(&published),
        BTreeMap::from([("contact.created".to_owned(), 1), ("message.received".to_owned(), 1)]),
        "{published:?}"
    );
    let event = of_kind(&published, "message.received")[0];
    assert_eq!(event["source"], "parley");
    let detail = &event["detail"];
    assert_eq!(detail["id"], "message.received:wamid.EV1");
    assert_eq!(detail["data"]["wamid"], "wamid.EV1");
    assert_eq!(detail["data"]["message_type"], "text");
    assert!(detail["contact_id"].is_string());
    let text = event.to_string();
    assert!(!text.contains("919812345678") && !text.contains("Ravi"), "no phone, name or body: {text}");
    assert_eq!(
        t.stack.events_invocations.started.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one events invocation (both events of the one transaction): redeliveries write no event item, so nothing reaches the function"
    );
}

#[tokio::test]
async fn each_committed_change_is_published_once_and_a_refused_one_never() {
    let t = TestStack::start().await;
    let tap = BusTap::on(&t).await;
    let admin = t.login().await;
    t.customer_says("919812345678", "Asha", "I need 20 kurtas").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let (status, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 4_000_000}), None)
        .await;
    assert_eq!(status, 201, "{deal}");
    let id = deal["id"].as_str().unwrap().to_owned();
    // Two moves of one deal at once: each that commits publishes one event,
    // one refused for a conflict publishes nothing.
    let move_to = |stage: &'static str| {
        let (t, admin, id) = (&t, admin.clone(), id.clone());
        async move { t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": stage}), None).await.0 }
    };
    let (a, b) = tokio::join!(move_to("qualified"), move_to("quote_sent"));
    let committed = [a, b].iter().filter(|s| **s == 200).count();
    assert!([a, b].iter().all(|s| *s == 200 || *s == 409), "{a} {b}");
    let (status, _) = t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": "teleported"}), None).await;
    assert_eq!(status, 422);
    let (status, task) = t
        .post(
            &admin,
            "/api/tasks",
            &json!({"title": "Call back", "due_at": "2030-01-01T10:00:00Z", "contact_id": contact}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let task_id = task["id"].as_str().unwrap();
    let (status, _) = t.post(&admin, &format!("/api/tasks/{task_id}/done"), &json!({}), None).await;
    assert_eq!(status, 200);
    let (status, _) = t.post(&admin, &format!("/api/tasks/{task_id}/done"), &json!({}), None).await;
    assert_eq!(status, 200, "done again is no change");

    // A write whose own check fails (a stale version) commits nothing,
    // so the event in its transaction is never written nor published.
    let store = &t.stack.store;
    let stored = parley::ports::DealStore::deal(&**store, &id).await.unwrap().unwrap();
    let stale = parley::domain::Event::new(
        parley::domain::EventKind::DealStageChanged,
        format!("deal.stage_changed:{id}:stale"),
        stored.updated_at,
        json!({"deal": id}),
    );
    let audit = parley::domain::AuditEntry {
        at: stored.updated_at,
        actor: "test".into(),
        action: "stage_move".into(),
        contact: None,
        detail: "{}".into(),
    };
    let saved = parley::ports::DealStore::save_deal(&**store, &stored, Millis(1), &audit, Some(&stale)).await.unwrap();
    assert!(!saved, "the stale version is refused");

    let expected = 1 + 1 + committed + 2;
    let published = tap.published(expected).await;
    let counts = kinds(&published);
    assert_eq!(counts.get("message.received"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("deal.created"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("deal.stage_changed"), Some(&committed), "one per committed move: {counts:?}");
    assert_eq!(counts.get("task.created"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("task.done"), Some(&1), "{counts:?}");
    let created = &of_kind(&published, "deal.created")[0]["detail"];
    assert_eq!(
        (created["data"]["deal"].as_str(), created["data"]["value_minor"].as_i64()),
        (Some(id.as_str()), Some(4_000_000))
    );
    assert_eq!(created["actor"], parley_e2e::ADMIN_EMAIL);
    let ids: std::collections::BTreeSet<&str> = published.iter().map(|e| e["detail"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), published.len(), "no event published twice: {published:?}");
    assert!(!ids.iter().any(|id| id.ends_with(":stale")), "a refused write publishes nothing");

    // What the bus got is what the log reads back for a window (automation's dry run).
    let now = parley::ports::Clock::now(&*t.clock).0;
    let mut logged = Vec::new();
    let mut page = PageRequest { cursor: None, limit: Some(2) };
    loop {
        let got = t.stack.store.events_between(Millis(now - 86_400_000), Millis(now + 60_000), &page).await.unwrap();
        logged.extend(got.items.into_iter().map(|e| e.id));
        match got.next_cursor {
            Some(next) => page.cursor = Some(next),
            None => break,
        }
    }
    logged.sort();
    // Except the contact's announcement, kept at the contact's own key (it
    // is what tells its first message from the later ones), not a day's.
    let ids: std::collections::BTreeSet<&str> =
        ids.into_iter().filter(|id| !id.starts_with("contact.created:")).collect();
    assert_eq!(logged.iter().map(String::as_str).collect::<std::collections::BTreeSet<_>>(), ids, "{logged:?}");
    assert_eq!(logged.len(), ids.len());
}

/// What the sheet endpoint received: the Authorization header and the row.
type PostedRow = (Option<String>, Value);

#[tokio::test]
async fn the_example_function_receives_a_won_deal_locally_and_posts_its_row() {
    let rows: Arc<Mutex<Vec<PostedRow>>> = Arc::default();
    let sheet = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sheet_url = format!("http://{}/rows", sheet.local_addr().unwrap());
    let recorded = rows.clone();
    let app = axum::Router::new().route(
        "/rows",
        axum::routing::post(move |headers: axum::http::HeaderMap, axum::Json(row): axum::Json<Value>| {
            let recorded = recorded.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
                recorded.lock().unwrap().push((auth, row));
                "ok"
            }
        }),
    );
    tokio::spawn(async move { axum::serve(sheet, app).await });
    let t = TestStack::builder().won_deals_sheet(&sheet_url, Some("sheet-token")).start().await;
    let admin = t.login().await;
    t.customer_says("919812345678", "Asha", "I need 20 kurtas").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let (_, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 4_000_000}), None)
        .await;
    let id = deal["id"].as_str().unwrap();
    let (status, _) = t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": "quote_sent"}), None).await;
    assert_eq!(status, 200);
    let (status, won) = t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": "won"}), None).await;
    assert_eq!(status, 200, "{won}");

    let deadline = Instant::now() + Duration::from_secs(20);
    while rows.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let anything else the rule might (wrongly) match arrive too.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rows = rows.lock().unwrap().clone();
    assert_eq!(rows.len(), 1, "only the move into Won matches the rule: {rows:?}");
    let (auth, row) = &rows[0];
    assert_eq!(auth.as_deref(), Some("Bearer sheet-token"));
    assert_eq!(row["deal_id"], id);
    assert_eq!(row["value_minor"], 4_000_000);
    assert_eq!(row["currency"], deal["currency"]);
    assert_eq!(row["owner"], parley_e2e::ADMIN_EMAIL);
    assert_eq!(row["won_at"], won["updated_at"]);
}

#[tokio::test]
async fn published_events_match_the_versioned_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("docs/events/v1.schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let documented: Vec<&str> =
        schema["$defs"]["kind"]["enum"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    let kinds: Vec<&str> = parley::domain::EventKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(documented, kinds, "every kind is documented, in order");

    let t = TestStack::start().await;
    let tap = BusTap::on(&t).await;
    let admin = t.login().await;
    t.customer_says("919812345678", "Asha", "hello").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let (_, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 100}), None)
        .await;
    let id = deal["id"].as_str().unwrap();
    t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": "won"}), None).await;
    let (_, task) = t
        .post(
            &admin,
            "/api/tasks",
            &json!({"title": "Call", "due_at": "2030-01-01T10:00:00Z", "contact_id": contact}),
            None,
        )
        .await;
    t.post(&admin, &format!("/api/tasks/{}/done", task["id"].as_str().unwrap()), &json!({}), None).await;
    let published = tap.published(5).await;
    assert!(published.len() >= 5, "{published:?}");
    for event in &published {
        let errors: Vec<String> = validator.iter_errors(&event["detail"]).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", event["detail"]);
    }
    let wrong = json!({"id": "x", "type": "deal.stage_changed", "version": 1, "at": 1, "data": {"deal": "d1"}});
    assert!(!validator.is_valid(&wrong), "a stage move without its stages is refused");
}

#[tokio::test]
async fn each_status_change_is_published_once_and_a_duplicate_or_late_one_never() {
    use parley_simulator::webhook::{envelope, messages_change, status, BusinessPhone};
    let t = TestStack::builder().transaction_conflicts().start().await;
    let tap = BusTap::on(&t).await;
    let contact = parley::domain::ContactId::parse("0123456789abcdef0123abcd").unwrap();
    let sk = t.plant_outbound(&contact, "m-status-events", Millis(1_700_000_000_000), "sending").await;
    let callback = parley::adapters::dynamo::keys::message_ref(&contact, &sk).callback_data();
    let webhook = |name: &str, at: i64| {
        let mut s = status("wamid.STEV", name, at, "919812345678");
        s["biz_opaque_callback_data"] = json!(callback);
        envelope(vec![messages_change(&BusinessPhone::default(), vec![], vec![], vec![s])])
    };

    let before = t.round_trips();
    assert_eq!(t.post_json_webhook(&webhook("sent", 1_700_000_001)).await.status(), 200);
    assert_eq!(t.round_trips() - before, 2, "the status and its event in one transaction, plus the spend count");
    // Meta delivers the same status several times at once: each write of the
    // message cancels the others' transactions, which are tried again and
    // then find nothing left to change.
    let mut at_once = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (http, url, body) = (t.http.clone(), t.url("/webhook"), webhook("delivered", 1_700_000_002));
        at_once.spawn(async move {
            let body = serde_json::to_vec(&body).unwrap();
            parley_simulator::webhook::post_signed(&http, &url, parley_e2e::APP_SECRET, body)
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        });
    }
    while let Some(answer) = at_once.join_next().await {
        assert_eq!(answer.unwrap(), 200, "a conflicting write is retried, not failed");
    }
    // A late `sent` changes nothing; `read` moves on in one round trip.
    assert_eq!(t.post_json_webhook(&webhook("sent", 1_700_000_001)).await.status(), 200);
    let before = t.round_trips();
    assert_eq!(t.post_json_webhook(&webhook("read", 1_700_000_003)).await.status(), 200);
    assert_eq!(t.round_trips() - before, 1, "an unpriced status is one TransactWriteItems");

    // Three statuses moved it; Meta priced it on `sent` and on each
    // `delivered` (five times in all): one `message.priced`.
    let published = tap.published(4).await;
    let priced = of_kind(&published, "message.priced");
    assert_eq!(priced.len(), 1, "{published:?}");
    assert_eq!(priced[0]["detail"]["data"]["billable"], json!(true));
    assert_eq!(priced[0]["detail"]["data"]["category"], json!("utility"));
    let statuses: Vec<(&str, &str)> = of_kind(&published, "message.status_changed")
        .iter()
        .map(|e| (e["detail"]["data"]["status"].as_str().unwrap(), e["detail"]["contact_id"].as_str().unwrap()))
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![("delivered", contact.as_str()), ("read", contact.as_str()), ("sent", contact.as_str())],
        "one event per status the message moved to: {published:?}"
    );
    let text = serde_json::to_string(&published).unwrap();
    assert!(!text.contains("919812345678"), "no recipient number in the events");
}

#[tokio::test]
async fn a_contact_is_created_by_its_first_message_only() {
    let t = TestStack::start().await;
    let tap = BusTap::on(&t).await;
    let admin = t.login().await;
    let asha = Customer::new("919812345678", "Asha");
    let first = asha.webhook(vec![asha.text("wamid.CC1", 1_700_000_000, "hello")]);
    let before = t.round_trips();
    assert_eq!(t.post_json_webhook(&first).await.status(), 200);
    assert_eq!(t.round_trips() - before, 1, "the new contact's event rides in the message's one transaction");
    assert_eq!(t.post_json_webhook(&first).await.status(), 200, "a redelivery");
    let before = t.round_trips();
    let later = asha.webhook(vec![asha.text("wamid.CC2", 1_700_000_060, "are you there?")]);
    assert_eq!(t.post_json_webhook(&later).await.status(), 200);
    assert_eq!(t.round_trips() - before, 1, "a known contact's message is still one round trip");
    // A late older message does not make the contact new again either.
    let older = asha.webhook(vec![asha.text("wamid.CC0", 1_699_999_000, "earlier")]);
    assert_eq!(t.post_json_webhook(&older).await.status(), 200);
    // A contact staff added is created once, by staff: their first message is not a second creation.
    let (status, added) =
        t.post(&admin, "/api/contacts", &json!({"phone": "+919800000001", "name": "Ravi"}), None).await;
    assert_eq!(status, 201, "{added}");
    let ravi = Customer::new("919800000001", "Ravi");
    assert_eq!(
        t.post_json_webhook(&ravi.webhook(vec![ravi.text("wamid.CC3", 1_700_000_100, "hi")])).await.status(),
        200
    );

    let published = tap.published(6).await;
    let created: Vec<(&str, &str)> = of_kind(&published, "contact.created")
        .iter()
        .map(|e| (e["detail"]["contact_id"].as_str().unwrap(), e["detail"]["data"]["source"].as_str().unwrap()))
        .collect();
    let asha_id = t.contacts(&admin).await.iter().find(|c| c["phone"] == "+919812345678").map(|c| c["id"].clone());
    let asha_id = asha_id.and_then(|id| id.as_str().map(str::to_owned)).expect("Asha's contact");
    let ravi_id = added["id"].as_str().unwrap();
    let mut created = created;
    created.sort();
    let mut expected = vec![(asha_id.as_str(), "whatsapp"), (ravi_id, "staff")];
    expected.sort();
    assert_eq!(created, expected, "one creation per contact: {published:?}");
    let asha_event = of_kind(&published, "contact.created")
        .into_iter()
        .find(|e| e["detail"]["contact_id"] == asha_id.as_str())
        .unwrap();
    assert_eq!(asha_event["detail"]["data"]["business_number"], BusinessPhone::default().phone_number_id);
    assert_eq!(asha_event["detail"]["at"], 1_700_000_000_000i64, "created by the first message, at its time");
    assert_eq!(of_kind(&published, "message.received").len(), 4);
}
