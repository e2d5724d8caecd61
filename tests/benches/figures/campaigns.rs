//! Figures for a campaign (reported, never asserted): per recipient, the
//! DynamoDB round trips of the staff API (count and create), of the
//! functions behind it (the export worker's steps and the sender), of the
//! status webhooks, and the SQS messages; and how fast the local stack
//! hands recipients out and settles them. `CAMPAIGN_BENCH_RECIPIENTS`
//! sets the list's size (500 by default: the per-recipient figures do
//! not depend on it, the wall times do).

use futures_util::StreamExt;
use parley::domain::{BusinessNumber, ContactPatch, Millis};
use parley::ports::{ContactEnrolment, ContactRecordStore, Enrolled, NewContact};
use parley_e2e::{record_figures, TestStack};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

pub async fn take() {
    let n: u64 = std::env::var("CAMPAIGN_BENCH_RECIPIENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    // No sweep during the measurement: it would add its own queries.
    let t = TestStack::builder().sweep_every(Duration::from_secs(3600)).start().await;
    let cookie = t.login().await;
    let (status, _) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200);
    let store = t.stack.store.clone();
    futures_util::stream::iter(0..n)
        .for_each_concurrent(16, |i| {
            let store = store.clone();
            async move {
                let new = NewContact {
                    number: BusinessNumber("106540352242922".into()),
                    wa_id: format!("91990{i:05}"),
                    name: Some(format!("Customer {i}")),
                    owner: None,
                    at: Millis(1_790_000_000_000),
                    source: "import".into(),
                };
                let (Enrolled::Created(id) | Enrolled::Existing(id)) = store.enrol_contact(&new).await.unwrap();
                let patch = ContactPatch { tags: Some(vec!["festival".into()]), ..ContactPatch::default() };
                store.patch_contact(&id, &patch).await.unwrap();
            }
        })
        .await;
    let draft = json!({"template": "diwali_sale", "language": "en_US",
        "params": [{"kind": "field", "field": "first_name", "fallback": "friend"}], "audience": {"tag": "festival"}});
    let (api_before, webhook_before, background_before) =
        (t.stack.api_round_trips.get(), t.round_trips(), t.stack.background_round_trips.get());
    let before = t.usage();
    let started = Instant::now();
    let (mut sendable, mut amount, mut cursor, mut previews) = (0, 0, Value::Null, 0);
    loop {
        let mut body = draft.clone();
        body["cursor"] = cursor;
        let (_, page) = t.post(&cookie, "/api/campaigns/preview", &body, None).await;
        previews += 1;
        sendable += page["sendable"].as_u64().unwrap_or(0);
        amount += page["markets"].as_array().map_or(0, |m| m.iter().filter_map(|m| m["amount_minor"].as_u64()).sum());
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    let counted = started.elapsed();
    let mut body = draft.clone();
    body["name"] = json!("Bench");
    body["estimate"] = json!({"recipients": sendable, "amount_minor": amount, "currency": "INR"});
    let (status, campaign) = t.post(&cookie, "/api/campaigns", &body, None).await;
    assert_eq!(status, 201, "{campaign}");
    let api_trips = t.stack.api_round_trips.get() - api_before;
    let id = campaign["id"].as_str().unwrap_or_default().to_owned();
    let created = Instant::now();
    let mut handed_out = None;
    loop {
        let (_, now) = t.get(&cookie, &format!("/api/campaigns/{id}")).await;
        if handed_out.is_none() && now["status"] == "finished" {
            handed_out = Some(created.elapsed());
        }
        if now["totals"]["read"].as_u64() == Some(sendable) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let settled = created.elapsed();
    let per = |x: u64| x as f64 / n as f64;
    println!("campaign to {n} recipients (none faulty), per recipient:");
    println!("  live count: {previews} preview requests, {:.1} s", counted.as_secs_f64());
    println!("  staff API (count and create): {:.2} DynamoDB round trips", per(api_trips));
    println!(
        "  export worker and sender: {:.2} DynamoDB round trips",
        per(t.stack.background_round_trips.get() - background_before)
    );
    println!("  SQS messages handed to the sender: {:.2}", per(t.stack.sender_jobs.load(Ordering::Relaxed)));
    println!(
        "  status webhooks (sent, delivered, read): {:.2} DynamoDB round trips",
        per(t.round_trips() - webhook_before)
    );
    println!("  Cloud API calls accepted: {:.2}", per(t.accepted().await.len() as u64));
    t.settle().await;
    // Per recipient; the worker runs once per 100 recipients (its steps).
    record_figures(
        "campaigns",
        &json!({"recipient": t.usage().since(&before, n as f64), "worker_invocations": 1.0 / 100.0}),
    );
    let handed_out = handed_out.unwrap_or(settled).as_secs_f64();
    println!(
        "  handed out in {handed_out:.1} s ({:.1} a second), all read after {:.1} s (local)",
        n as f64 / handed_out,
        settled.as_secs_f64()
    );
}
