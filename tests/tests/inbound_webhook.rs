//! End to end: signed webhooks into the running local stack (real handlers,
//! real SDK, DynamoDB Local), read back through the staff API.

use parley_e2e::{fixture, TestStack, APP_SECRET};
use parley_simulator::customer::every_message_type;
use parley_simulator::webhook::{messages_change, signature, BusinessPhone};
use parley_simulator::Customer;
use serde_json::{json, Value};

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

async fn only_contact(t: &TestStack, cookie: &str) -> Value {
    let contacts = t.contacts(cookie).await;
    assert_eq!(contacts.len(), 1, "{contacts:?}");
    contacts[0].clone()
}

#[tokio::test]
async fn meta_sample_lands_once_in_one_round_trip_and_reads_back() {
    let t = TestStack::start().await;
    let body = fixture("meta_sample_text_message_v25.json");
    let before = t.round_trips();
    let response = t.post_webhook(&body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(t.round_trips() - before, 1, "a new contact's first message is one TransactWriteItems");

    let before = t.round_trips();
    for _ in 0..3 {
        assert_eq!(t.post_webhook(&body).await.status(), 200, "redeliveries are acknowledged");
    }
    assert_eq!(t.round_trips() - before, 3, "a redelivery costs one round trip and writes nothing");

    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(contact["phone"], "+16315551181");
    assert_eq!(contact["user_id"], "US.13491208655302741918");
    assert_eq!(contact["name"], "test user name");
    let timeline = t.timeline(&cookie, contact["id"].as_str().unwrap()).await;
    assert_eq!(timeline.len(), 1);
    let m = &timeline[0];
    assert_eq!(m["id"], "ABGGFlA5Fpa");
    assert_eq!(m["direction"], "in");
    assert_eq!(m["type"], "text");
    assert_eq!(m["text"], "this is a text message");
    assert_eq!(m["at"], "2017-09-08T20:36:28Z");
}

#[tokio::test]
async fn a_known_contacts_next_message_is_one_round_trip_too() {
    let t = TestStack::start().await;
    let c = Customer::new("919812345678", "Ravi");
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.1", 1_700_000_000, "first")])).await;
    let before = t.round_trips();
    assert_eq!(t.post_json_webhook(&c.webhook(vec![c.text("wamid.2", 1_700_000_060, "second")])).await.status(), 200);
    assert_eq!(t.round_trips() - before, 1);
}

#[tokio::test]
async fn every_message_type_lands_in_the_timeline_once() {
    let t = TestStack::start().await;
    let c = Customer::new("919812345678", "Ravi");
    let messages: Vec<Value> = every_message_type()
        .into_iter()
        .enumerate()
        .map(|(i, (kind, body, extra))| {
            let mut m = c.message(&format!("wamid.TYPE{i:02}"), 1_700_000_000 + i as i64, kind, body);
            m.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            m
        })
        .collect();
    let expected = messages.len();
    // One message a POST, then the whole lot again as one batch: nothing doubles.
    for m in &messages {
        assert_eq!(t.post_json_webhook(&c.webhook(vec![m.clone()])).await.status(), 200);
    }
    assert_eq!(t.post_json_webhook(&c.webhook(messages.clone())).await.status(), 200);

    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    let timeline = t.timeline(&cookie, contact["id"].as_str().unwrap()).await;
    assert_eq!(timeline.len(), expected);
    let types: Vec<&str> = timeline.iter().map(|m| m["type"].as_str().unwrap()).collect();
    let sent_types: Vec<&str> = messages.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(types, sent_types, "oldest first, each with Meta's type name");
    assert_eq!(timeline[0]["text"], "Do you ship to Pune?");
    assert_eq!(timeline[1]["text"], "this one", "an image's caption");
    assert_eq!(timeline[8]["text"], "Confirm order", "a button reply's title");
    assert_eq!(timeline[11]["text"], "\u{1F44D}", "a reaction's emoji");
    assert_eq!(timeline[12]["text"], Value::Null, "a removed reaction has no text");
    assert_eq!(timeline[12]["content"]["kind"], "reaction");
    assert_eq!(timeline[16]["referral"]["headline"], "Diwali sale");
    assert_eq!(timeline[17]["context"]["id"], "wamid.PRODUCT");
}

#[tokio::test]
async fn a_batch_of_entries_changes_and_numbers_is_stored_whole() {
    let t = TestStack::start().await;
    let a = Customer::new("919800000001", "A");
    let mut b = Customer::new("919800000001", "A on the second number");
    b.phone = BusinessPhone { phone_number_id: "200200".into(), display_phone_number: "15550000002".into() };
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [
                messages_change(&a.phone, vec![a.contact()], vec![a.text("w1", 1_700_000_001, "1"), a.text("w2", 1_700_000_002, "2")], vec![]),
                messages_change(&a.phone, vec![a.contact()], vec![a.text("w3", 1_700_000_003, "3")], vec![]),
            ]},
            {"id": "2", "changes": [
                messages_change(&b.phone, vec![b.contact()], vec![b.text("w4", 1_700_000_004, "4")], vec![]),
            ]},
        ],
    });
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);
    let cookie = t.login().await;
    let contacts = t.contacts(&cookie).await;
    assert_eq!(contacts.len(), 2, "a contact is scoped to the business number");
    assert_eq!(contacts[0]["phone_number_id"], "200200", "newest activity first");
    let first = t.timeline(&cookie, contacts[1]["id"].as_str().unwrap()).await;
    let texts: Vec<&str> = first.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["1", "2", "3"]);
}

#[tokio::test]
async fn tampered_unsigned_and_wrongly_signed_webhooks_change_nothing() {
    let t = TestStack::start().await;
    let c = Customer::new("919812345678", "Ravi");
    let body = bytes(&c.webhook(vec![c.text("wamid.T", 1_700_000_000, "pay to account 1234")]));
    let good = signature(APP_SECRET, &body);
    let mut tampered = body.clone();
    let pos = tampered.windows(4).position(|w| w == b"1234").unwrap();
    tampered[pos] = b'9';

    let post = |body: Vec<u8>, sig: Option<String>| {
        let mut req = t.http.post(t.url("/webhook")).header("content-type", "application/json").body(body);
        if let Some(sig) = sig {
            req = req.header("x-hub-signature-256", sig);
        }
        req.send()
    };
    let r = post(tampered, Some(good.clone())).await.unwrap();
    assert_eq!(r.status(), 401);
    let error: Value = r.json().await.unwrap();
    assert_eq!(error["error"]["code"], "bad_signature");
    assert_eq!(post(body.clone(), None).await.unwrap().status(), 401);
    assert_eq!(post(body.clone(), Some(signature("not-the-secret", &body))).await.unwrap().status(), 401);
    assert_eq!(post(body.clone(), Some("sha256=xyz".into())).await.unwrap().status(), 401);

    let cookie = t.login().await;
    assert!(t.contacts(&cookie).await.is_empty(), "nothing was stored");
    assert_eq!(post(body.clone(), Some(good)).await.unwrap().status(), 200, "the genuine body still goes through");
    assert_eq!(t.contacts(&cookie).await.len(), 1);
}

#[tokio::test]
async fn malformed_json_and_foreign_objects_are_400_and_store_nothing() {
    let t = TestStack::start().await;
    for body in [
        &b"{\"object\": \"whatsapp_business_account\", \"entry\": [ "[..],
        b"not json",
        br#"{"object":"instagram","entry":[]}"#,
    ] {
        let r = t.post_webhook(body).await;
        assert_eq!(r.status(), 400, "{}", String::from_utf8_lossy(body));
        let error: Value = r.json().await.unwrap();
        assert_eq!(error["error"]["code"], "malformed_webhook");
    }
    let cookie = t.login().await;
    assert!(t.contacts(&cookie).await.is_empty());
}

#[tokio::test]
async fn out_of_order_messages_keep_the_newest_activity_and_time_order() {
    let t = TestStack::start().await;
    let mut c = Customer::new("919812345678", "Ravi Newer");
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.NEW", 1_700_000_600, "later")])).await;
    c.name = "Ravi Older".into();
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.OLD", 1_700_000_000, "earlier")])).await;
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(contact["last_inbound_at"], "2023-11-14T22:23:20Z", "a late, older message does not move activity back");
    assert_eq!(contact["name"], "Ravi Newer", "nor the profile name");
    let texts: Vec<Value> =
        t.timeline(&cookie, contact["id"].as_str().unwrap()).await.iter().map(|m| m["text"].clone()).collect();
    assert_eq!(texts, [json!("earlier"), json!("later")]);
}

#[tokio::test]
async fn the_service_window_is_24_hours_or_72_after_an_ad() {
    let t = TestStack::start().await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let plain = Customer::new("919800000001", "Plain");
    let from_ad = Customer::new("919800000002", "From an ad");
    t.post_json_webhook(&plain.webhook(vec![plain.text("wamid.P", now - 3600, "hi")])).await;
    let mut ad_message = from_ad.text("wamid.A", now - 30 * 3600, "saw your ad");
    ad_message["referral"] = json!({"source_type": "ad", "source_id": "1", "ctwa_clid": "x"});
    t.post_json_webhook(&from_ad.webhook(vec![ad_message])).await;
    let cookie = t.login().await;
    for contact in t.contacts(&cookie).await {
        assert_eq!(contact["window"]["open"], true, "{contact}");
        let closes = &contact["window"]["closes_at"];
        let expected_hours = if contact["name"] == "Plain" { 23 } else { 42 };
        let expected = parley::domain::Millis((now + expected_hours * 3600) * 1000).to_rfc3339();
        assert_eq!(closes, &json!(expected), "{contact}");
    }
    let old = Customer::new("919800000003", "Old");
    t.post_json_webhook(&old.webhook(vec![old.text("wamid.O", now - 25 * 3600, "long ago")])).await;
    let contacts = t.contacts(&cookie).await;
    let stale = contacts.iter().find(|c| c["name"] == "Old").unwrap();
    assert_eq!(stale["window"]["open"], false);
}

#[tokio::test]
async fn a_bsuid_customer_keeps_one_record_when_their_phone_appears() {
    let t = TestStack::start().await;
    let mut c = Customer::new("0", "Private");
    c.wa_id = None;
    c.user_id = Some("IN.5550001".into());
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.B1", 1_700_000_000, "hello")])).await;
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(contact["phone"], Value::Null);
    assert_eq!(contact["user_id"], "IN.5550001");

    c.wa_id = Some("919812345678".into());
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.B2", 1_700_000_060, "it's me")])).await;
    c.user_id = None;
    t.post_json_webhook(&c.webhook(vec![c.text("wamid.B3", 1_700_000_120, "phone only now")])).await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(contact["phone"], "+919812345678");
    assert_eq!(t.timeline(&cookie, contact["id"].as_str().unwrap()).await.len(), 3);
}

#[tokio::test]
async fn a_changed_number_stays_on_the_same_contact() {
    let t = TestStack::start().await;
    let c = Customer::new("919800000001", "Moved");
    let notice = c.message(
        "wamid.SYS",
        1_700_000_000,
        "system",
        json!({"body": "changed number", "new_wa_id": "919800000002", "type": "user_changed_number"}),
    );
    t.post_json_webhook(&c.webhook(vec![notice])).await;
    let moved = Customer::new("919800000002", "Moved");
    t.post_json_webhook(&moved.webhook(vec![moved.text("wamid.AFTER", 1_700_000_060, "new phone")])).await;
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(contact["phone"], "+919800000002");
    assert_eq!(t.timeline(&cookie, contact["id"].as_str().unwrap()).await.len(), 2);
}

#[tokio::test]
async fn a_storage_failure_is_a_5xx_and_metas_retry_succeeds() {
    let t = TestStack::start().await;
    let dynamo = t.dynamo().await;
    dynamo.delete_table().table_name(&t.table).send().await.unwrap();
    let c = Customer::new("919812345678", "Ravi");
    let body = bytes(&c.webhook(vec![c.text("wamid.R", 1_700_000_000, "are you there?")]));
    let r = t.post_webhook(&body).await;
    assert_eq!(r.status(), 503);
    let error: Value = r.json().await.unwrap();
    assert_eq!(error["error"]["code"], "storage_unavailable");

    let spec = parley_local::template::Template::load(&parley_e2e::repo_root().join("template.yaml"))
        .unwrap()
        .table()
        .unwrap();
    parley_local::bootstrap::ensure_table(&dynamo, &t.table, &spec).await.unwrap();
    assert_eq!(t.post_webhook(&body).await.status(), 200, "Meta's retry is stored");
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(t.timeline(&cookie, contact["id"].as_str().unwrap()).await.len(), 1);
}

#[tokio::test]
async fn concurrent_redeliveries_store_one_message() {
    let t = TestStack::start().await;
    let c = Customer::new("919812345678", "Ravi");
    let body = bytes(&c.webhook(vec![c.text("wamid.RACE", 1_700_000_000, "once")]));
    let mut posts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (http, url, body) = (t.http.clone(), t.url("/webhook"), body.clone());
        posts.spawn(async move { parley_simulator::webhook::post_signed(&http, &url, APP_SECRET, body).await });
    }
    while let Some(response) = posts.join_next().await {
        assert_eq!(response.unwrap().unwrap().status(), 200);
    }
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    assert_eq!(t.timeline(&cookie, contact["id"].as_str().unwrap()).await.len(), 1);
}

#[tokio::test]
async fn a_contact_id_is_not_a_plain_hash_of_the_phone() {
    use sha2::Digest;
    let t = TestStack::start().await;
    assert_eq!(t.post_webhook(&fixture("meta_sample_text_message_v25.json")).await.status(), 200);
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    // Anyone who knows the phone could compute this unkeyed digest.
    let unkeyed = hex::encode(&sha2::Sha256::digest(b"123456123|wa:16315551181")[..12]);
    assert_ne!(contact["id"], unkeyed, "the id must need the deployment's key");
    assert_ne!(contact["id"], hex::encode(&sha2::Sha256::digest(b"123456123|bsuid:US.13491208655302741918")[..12]));
}

#[tokio::test]
async fn a_customer_with_two_identity_records_is_stored_once_and_flagged_for_merge() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    // The same person reached us twice: by BSUID alone, then by phone alone.
    let mut private = Customer::new("0", "Asha private");
    private.wa_id = None;
    private.user_id = Some("IN.5550001".into());
    t.post_json_webhook(&private.webhook(vec![private.text("wamid.I1", 1_700_000_000, "hello")])).await;
    let phone = Customer::new("919812345678", "Asha");
    t.post_json_webhook(&phone.webhook(vec![phone.text("wamid.I2", 1_700_000_060, "hi again")])).await;
    let by_phone = t.get(&cookie, "/api/contacts?q=9198123").await.1["items"][0]["id"].as_str().unwrap().to_owned();
    let by_bsuid =
        t.get(&cookie, "/api/contacts?q=asha%20private").await.1["items"][0]["id"].as_str().unwrap().to_owned();
    assert_ne!(by_phone, by_bsuid);

    // Now Meta names both ids at once, in a POST with someone else's message
    // and a status.
    let mut both = phone.clone();
    both.user_id = Some("IN.5550001".into());
    let other = Customer::new("919800000009", "Someone else");
    let status = parley_simulator::webhook::status("wamid.UNSEEN", "delivered", 1_700_000_130, "919800000009");
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        messages_change(&both.phone, vec![both.contact()], vec![both.text("wamid.I3", 1_700_000_120, "it's me, both ways")], vec![]),
        messages_change(&other.phone, vec![other.contact()], vec![other.text("wamid.I4", 1_700_000_125, "unrelated")], vec![status]),
    ]}]});
    let response = t.post_json_webhook(&body).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let texts =
        |timeline: Vec<Value>| timeline.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(
        texts(t.timeline(&cookie, &by_phone).await),
        ["hi again", "it's me, both ways"],
        "the wa_id's contact wins"
    );
    assert_eq!(texts(t.timeline(&cookie, &by_bsuid).await), ["hello"]);
    let someone = t.get(&cookie, "/api/contacts?q=919800000009").await.1["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(texts(t.timeline(&cookie, &someone).await), ["unrelated"], "the rest of the POST is stored");
    let parked = t
        .dynamo()
        .await
        .query()
        .table_name(&t.table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(parley::adapters::dynamo::keys::wamid_pk("wamid.UNSEEN")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(parked.items().len(), 1, "and so is its status");

    let (_, a) = t.get(&cookie, &format!("/api/contacts/{by_phone}")).await;
    let (_, b) = t.get(&cookie, &format!("/api/contacts/{by_bsuid}")).await;
    assert_eq!(a["merge_suggested"], json!([by_bsuid]), "staff see the pair: {a}");
    assert_eq!(b["merge_suggested"], json!([by_phone]), "from either side: {b}");
    let (_, trail) = t.get(&cookie, &format!("/api/audit?contact={by_phone}")).await;
    assert!(trail["items"].as_array().unwrap().iter().any(|e| e["action"] == "merge_suggested"), "{trail}");

    // Both identities now lead to one contact: the next message is one round trip.
    let before = t.round_trips();
    let next = both.webhook(vec![both.text("wamid.I5", 1_700_000_200, "and again")]);
    assert_eq!(t.post_json_webhook(&next).await.status(), 200);
    assert_eq!(t.round_trips() - before, 1);
    assert_eq!(t.timeline(&cookie, &by_phone).await.len(), 3);

    // Erasing one of the pair withdraws the suggestion.
    assert_eq!(t.request(&cookie, "DELETE", &format!("/api/contacts/{by_bsuid}"), None).await.0, 200);
    assert_eq!(t.get(&cookie, &format!("/api/contacts/{by_phone}")).await.1["merge_suggested"], json!([]));
}

#[tokio::test]
async fn a_poison_item_is_parked_visibly_and_the_rest_of_its_batch_is_stored() {
    let t = TestStack::start().await;
    let c = Customer::new("919812345678", "Ravi");
    // Far beyond DynamoDB's 400 KB item limit, and a wamid longer than a key
    // may be: no retry will ever store either.
    let huge = "x".repeat(300_000);
    let long_wamid = "wamid.LONG".repeat(300);
    let messages = vec![
        c.text("wamid.OK1", 1_700_000_000, "before"),
        c.text("wamid.POISON", 1_700_000_001, &huge),
        c.text(&long_wamid, 1_700_000_002, "a key too long"),
        c.text("wamid.OK2", 1_700_000_003, "after"),
    ];
    let statuses = vec![
        parley_simulator::webhook::status(&long_wamid, "delivered", 1_700_000_004, "919812345678"),
        parley_simulator::webhook::status("wamid.UNKNOWN", "delivered", 1_700_000_005, "919812345678"),
    ];
    let body =
        parley_simulator::webhook::envelope(vec![messages_change(&c.phone, vec![c.contact()], messages, statuses)]);
    for delivery in 0..2 {
        let response = t.post_json_webhook(&body).await;
        assert_eq!(response.status(), 200, "delivery {delivery}: {:?}", response.text().await);
    }
    let cookie = t.login().await;
    let contact = only_contact(&t, &cookie).await;
    let texts: Vec<Value> =
        t.timeline(&cookie, contact["id"].as_str().unwrap()).await.iter().map(|m| m["text"].clone()).collect();
    assert_eq!(texts, [json!("before"), json!("after")]);

    let dynamo = t.dynamo().await;
    let mut parked = Vec::new();
    let mut start = None;
    loop {
        let out = dynamo.scan().table_name(&t.table).set_exclusive_start_key(start).send().await.unwrap();
        let raw = |i: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>| {
            i.get("raw").and_then(|r| r.as_s().ok()).cloned().unwrap_or_default()
        };
        parked.extend(
            out.items()
                .iter()
                .filter(|i| {
                    let raw = raw(i);
                    raw.contains("wamid.POISON") || raw.contains("wamid.LONGwamid.LONG")
                })
                .cloned(),
        );
        match out.last_evaluated_key() {
            Some(k) => start = Some(k.clone()),
            None => break,
        }
    }
    let kinds: Vec<&str> = parked.iter().map(|i| i["kind"].as_s().unwrap().as_str()).collect();
    assert_eq!(parked.len(), 3, "each parked once, however often Meta repeats them: {kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "status").count(), 1, "{kinds:?}");
    for item in &parked {
        let pk = item["pk"].as_s().unwrap();
        assert!(!pk.starts_with("C#"), "not on any timeline: {pk}");
        assert!(item.get("reason").and_then(|r| r.as_s().ok()).is_some_and(|r| !r.is_empty()), "{pk}");
    }
}
