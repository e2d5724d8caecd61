//! Exports are jobs: a request queues one (audited), the worker writes the
//! file to the private bucket, and the job then offers a short-lived link.
//! Administrators see the dead-letter queues.

use parley_e2e::TestStack;
use parley_simulator::Customer;
use serde_json::{json, Value};
use std::time::Duration;

async fn write(t: &TestStack, c: &Customer, wamid: &str, at: i64, text: &str) {
    assert_eq!(t.post_json_webhook(&c.webhook(vec![c.text(wamid, at, text)])).await.status(), 200);
}

/// Starts an export, waits for it, and downloads the file.
async fn export(t: &TestStack, cookie: &str, what: &str, format: &str) -> (Value, reqwest::Response) {
    let (status, job) = t.post(cookie, "/api/exports", &json!({"what": what, "format": format}), None).await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["status"], "queued");
    let id = job["id"].as_str().unwrap().to_owned();
    for _ in 0..200 {
        let (status, job) = t.get(cookie, &format!("/api/exports/{id}")).await;
        assert_eq!(status, 200, "{job}");
        match job["status"].as_str().unwrap() {
            "done" => {
                let url = job["download_url"].as_str().unwrap();
                let file = t.http.get(url).send().await.unwrap();
                assert_eq!(file.status(), 200, "{url}");
                return (job, file);
            }
            "failed" => panic!("export failed: {job}"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("export {id} never finished");
}

#[tokio::test]
async fn exports_are_jobs_written_to_the_bucket_audited_and_for_supervisors() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    write(&t, &Customer::new("919800000001", "=cmd|' /C calc'!A0"), "wamid.X1", 1_700_000_000, "hello, \"friend\"")
        .await;
    write(&t, &Customer::new("919800000002", "Ravi"), "wamid.X2", 1_700_000_100, "hi").await;

    let (job, file) = export(&t, &admin, "contacts", "csv").await;
    assert_eq!((job["rows"].as_u64(), job["requested_by"].as_str()), (Some(2), Some(parley_e2e::ADMIN_EMAIL)));
    assert!(job["download_url"].as_str().unwrap().contains("X-Amz-Signature"), "a presigned link: {job}");
    assert_eq!(job["download_expires_in_seconds"], 900);
    assert!(file.headers()["content-disposition"].to_str().unwrap().contains("parley-contacts.csv"));
    let csv = file.text().await.unwrap();
    assert!(csv.starts_with("id,name,phone,"));
    assert!(csv.contains("'=cmd|"), "a formula-looking name is defused: {csv}");
    assert_eq!(csv.lines().count(), 3);

    let (_, file) = export(&t, &manager, "conversations", "json").await;
    let conversations: Value = file.json().await.unwrap();
    let texts: Vec<&str> = conversations
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["messages"].as_array().unwrap())
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts.contains(&"hello, \"friend\""));
    let (_, file) = export(&t, &admin, "conversations", "csv").await;
    let conversations_csv = file.text().await.unwrap();
    assert!(conversations_csv.contains("\"hello, \"\"friend\"\"\""), "{conversations_csv}");
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    t.post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 5}), None).await;
    let (job, file) = export(&t, &admin, "deals", "json").await;
    assert_eq!(job["rows"], 1);
    assert_eq!(file.json::<Value>().await.unwrap()[0]["title"], "Kurtas");

    assert_eq!(t.post(&agent, "/api/exports", &json!({"what": "contacts"}), None).await.0, 403);
    assert_eq!(t.post(&admin, "/api/exports", &json!({"what": "secrets"}), None).await.0, 422);
    assert_eq!(t.post(&admin, "/api/exports", &json!({"what": "contacts", "format": "xml"}), None).await.0, 422);
    assert_eq!(t.get(&agent, &format!("/api/exports/{}", job["id"].as_str().unwrap())).await.0, 403);
    assert_eq!(t.get(&admin, "/api/exports/ex.00000000000000000000").await.0, 404);
    let day = parley_e2e::today();
    let (_, audit) = t.get(&admin, &format!("/api/audit?day={day}")).await;
    let exports: Vec<&Value> = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "export").collect();
    assert_eq!(exports.len(), 4, "each request is audited once");
    assert!(exports.iter().any(|e| e["actor"] == "manager@shop.test" && e["detail"]["what"] == "conversations"));
}

#[tokio::test]
async fn administrators_see_the_dead_letter_queues_without_emptying_them() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let (status, empty) = t.get(&admin, "/api/admin/dlq").await;
    assert_eq!(status, 200, "{empty}");
    let depth = |view: &Value, queue: &str| {
        view["items"].as_array().unwrap().iter().find(|q| q["queue"] == queue).unwrap()["approximate_depth"].clone()
    };
    assert_eq!((depth(&empty, "outbound"), depth(&empty, "exports")), (json!(0), json!(0)));

    let sdk = parley::adapters::aws::load_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let dlq = t.queue_url(&sqs, "OutboundDeadLetterQueue").await;
    let body =
        json!({"contact_id": "0123456789abcdef01234567", "sk": "M#00001700000000000#pm.0123456789abcdef01234567"});
    let sent = sqs.send_message().queue_url(&dlq).message_body(body.to_string()).send().await.unwrap();
    for _ in 0..2 {
        let (status, view) = t.get(&admin, "/api/admin/dlq").await;
        assert_eq!(status, 200);
        assert_eq!(depth(&view, "outbound"), 1, "peeking takes nothing: {view}");
        let outbound = view["items"].as_array().unwrap().iter().find(|q| q["queue"] == "outbound").unwrap();
        let first = &outbound["first"][0];
        assert_eq!(first["sqs_message_id"].as_str(), sent.message_id());
        assert_eq!(first["refers_to"]["message_id"], "pm.0123456789abcdef01234567");
        assert_eq!(first["refers_to"]["contact_id"], "0123456789abcdef01234567");
    }
    assert_eq!(t.get(&manager, "/api/admin/dlq").await.0, 403, "administrators only");
}

#[tokio::test]
async fn an_export_reads_its_source_page_by_page() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    for i in 0..205 {
        let c = Customer::new(&format!("9198{i:08}"), &format!("Customer {i}"));
        write(&t, &c, &format!("wamid.B{i}"), 1_700_000_000 + i, "hi").await;
    }
    let (job, file) = export(&t, &admin, "contacts", "json").await;
    assert_eq!(job["rows"], 205, "more than one page of 200");
    let contacts: Value = file.json().await.unwrap();
    let mut ids: Vec<&str> = contacts.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 205, "each contact once");
}

#[tokio::test]
async fn a_large_file_goes_up_in_multipart_parts() {
    use parley::ports::ExportFiles;
    let _t = TestStack::start().await;
    let sdk = parley::adapters::aws::load_config().await;
    let s3 = parley_local::bootstrap::sdk_s3_client(&sdk);
    let bucket = parley_local::bootstrap::bucket_name(&parley_e2e::unique_table("multipart"), "exports");
    parley_local::bootstrap::ensure_bucket(&s3, &bucket).await.unwrap();
    let files = parley::adapters::s3_exports::S3ExportFiles::new(parley::adapters::aws::s3_bucket(&sdk, &bucket, true));
    let line = "x".repeat(1023) + "\n";
    let mut upload = files.create("exports/big.csv", "text/csv").await.unwrap();
    for _ in 0..(11 * 1024) {
        upload.write(line.as_bytes()).await.unwrap();
    }
    upload.finish().await.unwrap();
    let url = files.download_link("exports/big.csv", "big.csv", 60).await.unwrap();
    let body = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert_eq!(body.len(), 11 * 1024 * 1024, "three parts (5, 5 and 1 MiB) joined in order");
    assert!(body.chunks(1024).all(|c| c == line.as_bytes()));
}
