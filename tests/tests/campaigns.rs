//! Campaigns end to end: the real worker, sender and status pipeline over
//! DynamoDB Local and SQS (moto), against the Cloud API simulator.

use futures_util::StreamExt;
use parley::domain::{AuditEntry, BusinessNumber, Millis};
use parley::ports::{ConsentStore, ContactEnrolment, ContactRecordStore, Enrolled, NewContact};
use parley_e2e::TestStack;
use parley_simulator::cloud_api::Faults;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// The simulator's business number.
const NUMBER: &str = "106540352242922";

/// `n` contacts tagged `festival` through the store (as an import would
/// add them), named but for every 50th; every 20th opted out. Their
/// numbers: `91990<5 digits>`.
async fn festival_list(t: &TestStack, n: usize) -> Vec<(String, String)> {
    let store = t.stack.store.clone();
    futures_util::stream::iter(0..n)
        .map(|i| {
            let store = store.clone();
            async move {
                let wa_id = format!("91990{i:05}");
                let new = NewContact {
                    number: BusinessNumber(NUMBER.into()),
                    wa_id: wa_id.clone(),
                    name: (i % 50 != 7).then(|| format!("Customer {i}")),
                    owner: None,
                    at: Millis(1_790_000_000_000),
                    source: "import".into(),
                };
                let contact = match store.enrol_contact(&new).await.unwrap() {
                    Enrolled::Created(id) | Enrolled::Existing(id) => id,
                };
                let patch = parley::domain::ContactPatch { tags: Some(vec!["festival".into()]), ..Default::default() };
                store.patch_contact(&contact, &patch).await.unwrap();
                if i % 20 == 19 {
                    let audit = AuditEntry {
                        at: Millis(1_790_000_000_000),
                        actor: "test".into(),
                        action: "opt_out".into(),
                        contact: Some(contact.clone()),
                        detail: "{}".into(),
                    };
                    store.set_opt_out(&contact, true, &audit).await.unwrap();
                }
                (contact.to_string(), wa_id)
            }
        })
        .buffered(16)
        .collect()
        .await
}

fn draft() -> Value {
    json!({
        "template": "diwali_sale",
        "language": "en_US",
        "params": [{"kind": "field", "field": "first_name", "fallback": null}],
        "audience": {"tag": "festival"},
    })
}

/// The whole segment's count, summed over the preview's pages.
async fn count(t: &TestStack, cookie: &str) -> (u64, BTreeMap<String, u64>, u64, usize) {
    let (mut sendable, mut excluded, mut amount, mut missing) = (0, BTreeMap::new(), 0, 0);
    let mut cursor = Value::Null;
    loop {
        let mut body = draft();
        body["cursor"] = cursor;
        let (status, page) = t.post(cookie, "/api/campaigns/preview", &body, None).await;
        assert_eq!(status, 200, "{page}");
        sendable += page["sendable"].as_u64().unwrap();
        for (reason, n) in page["excluded"].as_object().unwrap() {
            *excluded.entry(reason.clone()).or_default() += n.as_u64().unwrap();
        }
        amount += page["markets"].as_array().unwrap().iter().map(|m| m["amount_minor"].as_u64().unwrap()).sum::<u64>();
        missing += page["missing"].as_array().unwrap().len();
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            return (sendable, excluded, amount, missing);
        }
    }
}

async fn all_recipients(t: &TestStack, cookie: &str, id: &str) -> Vec<Value> {
    let mut recipients = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let (status, page) = t.get(cookie, &format!("/api/campaigns/{id}/recipients?limit=200{query}")).await;
        assert_eq!(status, 200, "{page}");
        recipients.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return recipients,
        }
    }
}

#[tokio::test]
async fn a_campaign_under_faults_reaches_each_recipient_once_and_its_totals_match_its_recipients() {
    // The use-case test takes 2,000 recipients through the same faults in
    // memory; on the real stack every recipient is a dozen DynamoDB Local
    // round trips plus the events function's (120 took 824 s under CI's
    // load), so this takes one step's worth.
    const RECIPIENTS: usize = 40;
    // 20 % of send calls fail (half answered 500, half accepted but
    // answered too late), throttling, duplicated and shuffled statuses,
    // and recipients Meta refuses (131026) or holds back (131049).
    let faults = Faults {
        server_error_rate: 0.10,
        timeout_rate: 0.10,
        timeout_ms: 300,
        throttle_next: 10,
        duplicate_statuses: true,
        shuffle_statuses: true,
        failing_recipient_suffix: Some("3".into()),
        marketing_limited_suffix: Some("7".into()),
        ..Faults::default()
    };
    let t = TestStack::builder().faults(faults).start().await;
    let cookie = t.login().await;
    let (status, _) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200);
    let contacts = festival_list(&t, RECIPIENTS).await;

    let (sendable, excluded, amount, missing) = count(&t, &cookie).await;
    let opted_out = (0..RECIPIENTS).filter(|i| i % 20 == 19).count() as u64;
    let unnamed = (0..RECIPIENTS).filter(|i| i % 50 == 7 && i % 20 != 19).count() as u64;
    assert_eq!(excluded.get("opted_out"), Some(&opted_out));
    assert_eq!(excluded.get("missing_field"), Some(&unnamed), "the unnamed ones that did not opt out");
    assert_eq!(sendable, RECIPIENTS as u64 - opted_out - unnamed);
    assert!(missing > 0 && amount > 0);
    let body = {
        let mut body = draft();
        body["name"] = json!("Festival offer");
        body["estimate"] = json!({"recipients": sendable, "amount_minor": amount, "currency": "INR"});
        body
    };
    let (status, campaign) = t.post(&cookie, "/api/campaigns", &body, None).await;
    assert_eq!(status, 201, "{campaign}");
    let id = campaign["id"].as_str().unwrap().to_owned();

    // Settled: handed out, and every recipient in a final state.
    let mut totals = Value::Null;
    for _ in 0..1_200 {
        let (_, now) = t.get(&cookie, &format!("/api/campaigns/{id}")).await;
        totals = now["totals"].clone();
        let final_states = totals["read"].as_u64().unwrap_or(0) + totals["failed"].as_u64().unwrap_or(0);
        // Meta's pricing may come on a status after the last one that moved
        // a recipient (shuffled): wait for it too.
        let priced = totals["billed"] == totals["sent"];
        if now["status"] == "finished" && final_states == sendable && priced {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(totals["recipients"], RECIPIENTS as u64, "{totals}");
    if totals["queued"] != 0 {
        // Where their messages stand, to tell a lost status from a lost send.
        let mut stuck = Vec::new();
        for r in all_recipients(&t, &cookie, &id).await.iter().filter(|r| r["state"] == "queued") {
            let contact = r["contact_id"].as_str().unwrap_or_default();
            let out = t.timeline(&cookie, contact).await.into_iter().filter(|m| m["direction"] == "out");
            stuck.extend(out.map(|m| json!([m["status"], m["attempts"], m["outcome_unknown"]])));
        }
        panic!("recipients never settled: {totals}; their messages: {stuck:?}");
    }

    // Meta got each recipient's message once, and none for the opted out.
    let accepted = t.accepted().await;
    let callbacks: Vec<&str> = accepted.iter().filter_map(|a| a["callback_data"].as_str()).collect();
    let unique: HashSet<&str> = callbacks.iter().copied().collect();
    assert_eq!(unique.len(), callbacks.len(), "a recipient was sent the campaign twice");
    assert_eq!(callbacks.len() as u64, sendable);
    let reached: HashSet<&str> = accepted.iter().filter_map(|a| a["to"].as_str()).collect();
    for (i, (_, wa_id)) in contacts.iter().enumerate() {
        if i % 20 == 19 {
            assert!(!reached.contains(wa_id.as_str()), "opted-out {wa_id} was sent the campaign");
        }
    }

    // The totals are the recipients' own states, each in one final state.
    let recipients = all_recipients(&t, &cookie, &id).await;
    assert_eq!(recipients.len(), RECIPIENTS);
    let mut by_state: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_code: BTreeMap<String, u64> = BTreeMap::new();
    for r in &recipients {
        *by_state.entry(r["state"].as_str().unwrap().to_owned()).or_default() += 1;
        if let Some(code) = r["error_code"].as_i64() {
            *by_code.entry(code.to_string()).or_default() += 1;
        }
    }
    assert_eq!(by_state.get("read").copied().unwrap_or(0), totals["read"].as_u64().unwrap());
    assert_eq!(by_state.get("failed").copied().unwrap_or(0), totals["failed"].as_u64().unwrap());
    assert_eq!(by_state.get("excluded").copied().unwrap_or(0), opted_out + unnamed);
    assert_eq!(by_state.keys().cloned().collect::<Vec<_>>(), ["excluded", "failed", "read"]);
    assert_eq!(serde_json::to_value(&by_code).unwrap(), totals["failed_by_code"]);
    let price = amount / sendable;
    // Meta priced every message it sent (on its sent and delivered
    // statuses, duplicated and shuffled): billed once each.
    assert_eq!((&totals["billed"], &totals["free"]), (&totals["sent"], &json!(0)), "{totals}");
    assert_eq!(totals["billed_cost_minor"], totals["billed"].as_u64().unwrap() * price, "{totals}");
    let fails = |suffix: &str| {
        contacts.iter().enumerate().filter(|(i, (_, wa))| i % 20 != 19 && i % 50 != 7 && wa.ends_with(suffix)).count()
            as u64
    };
    assert_eq!(by_code.get("131026").copied(), Some(fails("3")));
    assert_eq!(by_code.get("131049").copied(), Some(fails("7")));
}

#[tokio::test]
async fn a_reply_within_72_hours_lands_in_the_inbox_and_counts_for_the_campaign() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    t.customer_says("919812340001", "Asha Rao", "hello").await;
    // Meta stamps a message to the second, so a send in the same second as
    // "hello" would make it a reply (`is_campaign_reply`): the campaign
    // starts in the next second, as it would in any real shop.
    let into_second = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_millis();
    tokio::time::sleep(Duration::from_millis(u64::from(1000 - into_second) + 20)).await;
    let (status, _) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200);
    let asha = t.contacts(&cookie).await[0]["id"].as_str().unwrap().to_owned();
    let (status, _) =
        t.request(&cookie, "PATCH", &format!("/api/contacts/{asha}"), Some(&json!({"tags": ["festival"]}))).await;
    assert_eq!(status, 200);
    let mut body = draft();
    body["name"] = json!("Festival offer");
    body["estimate"] = json!({"recipients": 1, "amount_minor": 0, "currency": "INR"});
    let (status, campaign) = t.post(&cookie, "/api/campaigns", &body, None).await;
    assert_eq!(status, 201, "{campaign}");
    let id = campaign["id"].as_str().unwrap();
    let read = |c: &Value| c["totals"]["read"] == 1;
    let mut now = Value::Null;
    for _ in 0..240 {
        now = t.get(&cookie, &format!("/api/campaigns/{id}")).await.1;
        if read(&now) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(read(&now), "{now}");
    let timeline = t.timeline(&cookie, &asha).await;
    assert!(timeline.iter().any(|m| m["direction"] == "out" && m["text"].as_str().is_some_and(|t| t.contains("Asha"))));
    t.customer_says("919812340001", "Asha Rao", "Is the 20% on sarees too?").await;
    t.customer_says("919812340001", "Asha Rao", "and kurtas?").await;
    // Every message within 72 hours is marked as a reply; one reply counts.
    let replies = ["Is the 20% on sarees too?", "and kurtas?"];
    let mut timeline = Vec::new();
    for _ in 0..240 {
        timeline = t.timeline(&cookie, &asha).await;
        let marked = |text: &str| timeline.iter().any(|m| m["text"] == text && m["campaign_id"] == json!(id));
        if replies.iter().all(|r| marked(r)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let campaign_of = |text: &str| timeline.iter().find(|m| m["text"] == text).map(|m| m["campaign_id"].clone());
    for reply in replies {
        assert_eq!(campaign_of(reply), Some(json!(id)), "{reply:?} is marked with the campaign");
    }
    assert_eq!(campaign_of("hello"), Some(json!(null)), "what came before is no reply");
    assert!(timeline.iter().any(|m| m["direction"] == "out" && m["campaign_id"] == json!(id)));
    now = t.get(&cookie, &format!("/api/campaigns/{id}")).await.1;
    assert_eq!(now["totals"]["replied"], 1, "{now}");
    // Managers and admins only.
    let agent = t.teammate(&cookie, "agent@shop.test", "agent").await;
    assert_eq!(t.get(&agent, &format!("/api/campaigns/{id}")).await.0, 403);
}
