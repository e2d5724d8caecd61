//! Figures for the inbound path (reported, never asserted):
//! - handler CPU per message: signature check + parse of Meta's sample;
//! - DynamoDB round trips per webhook for a new contact, a known contact, a
//!   redelivery, a status with our callback key and one without;
//! - wall time per webhook through the local stack (loopback, DynamoDB Local).

use parley::domain::Millis;
use parley::whatsapp::{parse_webhook, sign, verify_signature};
use parley_e2e::{fixture, record_figures, TestStack, Usage};
use parley_simulator::webhook::{envelope, messages_change, status, BusinessPhone};
use parley_simulator::Customer;
use std::time::Instant;

const ROUNDS: u32 = 200;

fn cpu_per_message() {
    let body = fixture("meta_sample_text_message_v25.json");
    let header = sign(b"bench-secret", &body);
    let iterations = 20_000;
    let start = Instant::now();
    for _ in 0..iterations {
        verify_signature(b"bench-secret", &body, Some(&header)).expect("valid");
        let batch = parse_webhook(std::hint::black_box(&body), Millis(0)).expect("parses");
        std::hint::black_box(batch);
    }
    let per = start.elapsed() / iterations;
    println!(
        "handler CPU (verify + parse, Meta sample, {} bytes): {:.1} µs per message",
        body.len(),
        per.as_secs_f64() * 1e6
    );
}

/// Posts `ROUNDS` webhooks; what one cost the handler, and the whole stack.
async fn measure<F, Fut>(t: &TestStack, label: &str, mut post: F) -> Usage
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let trips = t.round_trips();
    let before = t.usage();
    let start = Instant::now();
    for i in 0..ROUNDS {
        let r = post(i).await;
        assert!(r.status().is_success(), "{label}: {}", r.status());
    }
    let elapsed = start.elapsed();
    let per_trip = (t.round_trips() - trips) as f64 / f64::from(ROUNDS);
    println!(
        "{label:<44} {per_trip:>4.2} DynamoDB round trips, {:>6.2} ms wall (local)",
        elapsed.as_secs_f64() * 1e3 / f64::from(ROUNDS)
    );
    t.settle().await;
    t.usage().since(&before, f64::from(ROUNDS))
}

pub async fn take() {
    cpu_per_message();
    let stack = TestStack::start().await;
    let t = &stack;
    let known = Customer::new("919800000000", "Known");
    println!("per webhook, averaged over {ROUNDS}:");
    let new = measure(t, "message from a new contact", |i| {
        let c = Customer::new(&format!("9198{i:08}"), "New");
        let body = c.webhook(vec![c.text(&format!("wamid.new.{i}"), 1_700_000_000 + i64::from(i), "hello")]);
        async move { t.post_json_webhook(&body).await }
    })
    .await;
    let known = &known;
    let known_usage = measure(t, "message from a known contact", |i| {
        let body = known.webhook(vec![known.text(&format!("wamid.k.{i}"), 1_700_000_000 + i64::from(i), "again")]);
        async move { t.post_json_webhook(&body).await }
    })
    .await;
    measure(t, "redelivery of a stored message", |_| {
        let body = known.webhook(vec![known.text("wamid.k.0", 1_700_000_000, "again")]);
        async move { t.post_json_webhook(&body).await }
    })
    .await;
    measure(t, "status for an unknown message (parked)", |i| {
        let body = envelope(vec![messages_change(
            &BusinessPhone::default(),
            vec![],
            vec![],
            vec![status(&format!("wamid.s.{i}"), "delivered", 1, "1")],
        )]);
        async move { t.post_json_webhook(&body).await }
    })
    .await;
    // Per message, everything it caused (the events function's reactions
    // too): what `make cost` prices.
    record_figures("inbound", &serde_json::json!({"new_contact": new, "known_contact": known_usage}));
}
