//! Figures for contact imports (reported, never asserted): a CSV of new
//! contacts, each with a deal, imported through the local stack (presigned
//! PUT to moto S3, the export worker through SQS, DynamoDB Local), one
//! worker step per 1,000 rows. Reports the wall time, rows per second, the
//! time one step takes (what must stay inside the function's 300 s), and
//! the DynamoDB round trips per row; then the same file again.

use parley::domain::contact_import::ROWS_PER_STEP;
use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ROWS: usize = 5_000;

async fn import(t: &TestStack, admin: &str, csv: &str) -> (Value, f64, u64) {
    let (_, job) = t.post(admin, "/api/imports", &json!({"filename": "bench.csv", "size": csv.len()}), None).await;
    let put = t.http.put(job["upload_url"].as_str().unwrap()).header("content-type", "text/csv").body(csv.to_owned());
    assert!(put.send().await.unwrap().status().is_success());
    let id = job["id"].as_str().unwrap();
    let before = t.stack.background_round_trips.get();
    let started = Instant::now();
    let body = json!({"mapping": ["name", "phone", "tags", "stage", "value"], "pipeline": "sales", "tags": []});
    assert_eq!(t.post(admin, &format!("/api/imports/{id}/start"), &body, None).await.0, 202);
    loop {
        let job = t.get(admin, &format!("/api/imports/{id}")).await.1;
        if job["status"] == "done" || job["status"] == "failed" {
            return (job, started.elapsed().as_secs_f64(), t.stack.background_round_trips.get() - before);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn take() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let profile = json!({"name": "Bench", "country": "IN", "currency": "INR", "time_zone": "Asia/Kolkata",
        "phone_number_id": "106540352242922"});
    t.request(&admin, "PUT", "/api/business", Some(&profile)).await;
    let mut csv = String::from("Name,Mobile,Tags,Stage,Value\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Customer {i},+91 97{i:08},festival,qualified,\"1,250.00\"\n"));
    }
    println!(
        "import of {ROWS} new contacts with a deal each ({} KB), steps of {ROWS_PER_STEP} rows:",
        csv.len() / 1024
    );
    for pass in ["first import", "same file again"] {
        let (job, seconds, trips) = import(&t, &admin, &csv).await;
        let steps = ROWS.div_ceil(ROWS_PER_STEP) as f64;
        println!(
            "  {pass:<16} {} in {seconds:>6.1} s: {:>5.0} rows/s, {:>5.1} s a step, {:.1} DynamoDB round trips a row (created {}, unchanged {})",
            job["status"],
            ROWS as f64 / seconds,
            seconds / steps,
            trips as f64 / ROWS as f64,
            job["created"],
            job["unchanged"],
        );
    }
}
