//! Figures for inbound media (reported, never asserted): the time from the
//! customer's send (the simulator posts the signed webhook) until the
//! message's `media.url` serves the bytes, for each sample kind, through the
//! local stack: webhook, event stream, media queue, media function, moto S3.

use parley_e2e::TestStack;
use parley_simulator::media::SAMPLES;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ROUNDS: usize = 10;
const CUSTOMER: &str = "919812345678";

async fn customer_sends(t: &TestStack, media: &str) -> String {
    let url = format!("{}/sim/customer", t.simulator_url);
    let body = json!({"from": CUSTOMER, "name": "Bench", "text": "", "media": media});
    let sent: Value = t.http.post(url).json(&body).send().await.unwrap().json().await.unwrap();
    sent["wamid"].as_str().unwrap().to_owned()
}

/// Polls the timeline until the message's link serves the file.
async fn playable(t: &TestStack, cookie: &str, contact: &str, wamid: &str) {
    loop {
        let timeline = t.timeline(cookie, contact).await;
        let url =
            timeline.iter().find(|m| m["id"] == wamid).and_then(|m| m["media"]["url"].as_str().map(str::to_owned));
        if let Some(url) = url {
            if t.http.get(url).send().await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

pub async fn take() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Bench", "hi").await;
    let cookie = t.login().await;
    let contact = t.contacts(&cookie).await[0]["id"].as_str().unwrap().to_owned();
    println!("webhook to playable, {ROUNDS} of each, one at a time:");
    for sample in SAMPLES {
        let mut took = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let start = Instant::now();
            let wamid = customer_sends(&t, sample.name).await;
            playable(&t, &cookie, &contact, &wamid).await;
            took.push(start.elapsed().as_secs_f64() * 1e3);
        }
        took.sort_by(f64::total_cmp);
        println!(
            "  {:<8} median {:>5.0} ms, p90 {:>5.0} ms, max {:>5.0} ms",
            sample.name,
            percentile(&took, 0.5),
            percentile(&took, 0.9),
            took[took.len() - 1]
        );
    }
}
