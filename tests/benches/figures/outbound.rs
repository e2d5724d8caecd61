//! Figures for the outbound path (reported, never asserted): per send, the
//! staff API's DynamoDB round trips, SQS messages consumed by the sender,
//! the sender's DynamoDB round trips, Cloud API calls and status webhooks'
//! round trips, end to end through the local stack and the simulator.

use parley_e2e::{record_figures, TestStack, Usage};
use parley_simulator::cloud_api::Faults;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const SENDS: u64 = 100;

/// Sends `SENDS` messages and follows them to `read`; what one cost the
/// whole stack (the API, the sender, the three status webhooks, reactions).
async fn run(label: &str, faults: Faults, body: serde_json::Value) -> Usage {
    // No sweep during the measurement: it would add its own queries.
    let t = TestStack::builder().faults(faults).sweep_every(Duration::from_secs(3600)).start().await;
    t.customer_says("919812345678", "Bench", "hi").await;
    let cookie = t.login().await;
    let (status, _) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200);
    let contact = t.contacts(&cookie).await[0]["id"].as_str().unwrap().to_owned();
    let api_before = t.stack.api_round_trips.get();
    let webhook_before = t.round_trips();
    let background_before = t.stack.background_round_trips.get();
    let before = t.usage();
    let start = Instant::now();
    for _ in 0..SENDS {
        let (status, _) = t.post(&cookie, &format!("/api/contacts/{contact}/messages"), &body, None).await;
        assert_eq!(status, 202);
    }
    let api_trips = t.stack.api_round_trips.get() - api_before;
    loop {
        let done = t
            .timeline(&cookie, &contact)
            .await
            .iter()
            .filter(|m| m["direction"] == "out" && m["status"] == "read")
            .count();
        if done as u64 == SENDS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = start.elapsed();
    let per = |n: u64| n as f64 / SENDS as f64;
    let webhook_trips = t.round_trips() - webhook_before;
    println!("{label}");
    println!("  staff API (POST .../messages): {:.2} DynamoDB round trips, 1 SQS SendMessage", per(api_trips));
    println!("  SQS messages handed to the sender: {:.2}", per(t.stack.sender_jobs.load(Ordering::Relaxed)));
    println!("  sender: {:.2} DynamoDB round trips", per(t.stack.background_round_trips.get() - background_before));
    println!("  Cloud API calls accepted: {:.2}", per(t.accepted().await.len() as u64));
    println!("  status webhooks (sent, delivered, read): {:.2} DynamoDB round trips in all", per(webhook_trips));
    println!("  wall time to `read`, all {SENDS} sends: {:.0} ms (local)", elapsed.as_secs_f64() * 1e3);
    t.settle().await;
    t.usage().since(&before, SENDS as f64)
}

pub async fn take() {
    println!("per send, averaged over {SENDS}:");
    let reply =
        run("service reply (text, window open)", Faults::default(), json!({"type": "text", "text": "Thanks!"})).await;
    let template = run(
        "utility template",
        Faults::default(),
        json!({"type": "template", "template": {"name": "order_update", "language": "en_US", "params": ["Asha", "#1"]}}),
    )
    .await;
    record_figures("outbound", &json!({"text_reply": reply, "utility_template": template}));
    run(
        "service reply with 30% faults (5xx/timeouts)",
        Faults { server_error_rate: 0.15, timeout_rate: 0.15, timeout_ms: 1_000, ..Faults::default() },
        json!({"type": "text", "text": "Thanks!"}),
    )
    .await;
}
