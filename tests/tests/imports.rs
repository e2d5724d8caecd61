//! Contacts imported from a CSV file: the browser's presigned PUT into the
//! bucket (moto), a preview with a guess at each column, then the worker
//! (the export function, through SQS) taking the rows: a messy
//! spreadsheet export lands with the right counts and a report of what was
//! refused and why, and the same file imported again changes nothing.

use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::time::Duration;

const MESSY: &str = "\u{feff}Name;Mobile;Tags;City;Stage;Value;Opted in\n\
    Meena Iyer;+91 98200 12345;diwali|vip;Pune;qualified;\"4.500,50\";yes\n\
    Ravi Kumar;098470 12345;diwali;Surat;;;no\n\
    Meena again;9820012345;;;;;\n\
    ;;;;;;\n\
    \"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";9820099999;;;;;\n\
    Shortie;12;;;;;\n";

async fn ready(t: &TestStack) -> String {
    let admin = t.login().await;
    let profile = json!({"name": "Asha Textiles", "country": "IN", "currency": "INR",
        "time_zone": "Asia/Kolkata", "phone_number_id": "106540352242922"});
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&profile)).await.0, 200);
    admin
}

/// Creates an import and PUTs the file as the browser does; the job.
async fn upload(t: &TestStack, admin: &str, name: &str, csv: &str) -> Value {
    let body = json!({"filename": name, "size": csv.len()});
    let (status, job) = t.post(admin, "/api/imports", &body, None).await;
    assert_eq!(status, 201, "{job}");
    let put = t
        .http
        .put(job["upload_url"].as_str().unwrap())
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    job
}

async fn finished(t: &TestStack, admin: &str, id: &str) -> Value {
    for _ in 0..300 {
        let job = t.get(admin, &format!("/api/imports/{id}")).await.1;
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import {id} never finished");
}

fn mapping() -> Value {
    json!(["name", "phone", "tags", "fields.city", "stage", "value", "consent"])
}

#[tokio::test]
async fn a_messy_csv_imports_with_a_report_and_a_second_import_changes_nothing() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    assert_eq!(t.post(&agent, "/api/imports", &json!({"filename": "a.csv", "size": 10}), None).await.0, 403);
    let (status, refused) = t.post(&admin, "/api/imports", &json!({"filename": "a.xlsx", "size": 10}), None).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("invalid")), "{refused}");

    let (status, early) = t.post(&admin, "/api/imports", &json!({"filename": "early.csv", "size": 10}), None).await;
    assert_eq!(status, 201);
    let preview = t.get(&admin, &format!("/api/imports/{}/preview", early["id"].as_str().unwrap())).await;
    assert_eq!((preview.0, preview.1["error"]["code"].as_str()), (409, Some("not_uploaded")));

    let job = upload(&t, &admin, "diwali-list.csv", MESSY).await;
    let id = job["id"].as_str().unwrap().to_owned();
    let (status, preview) = t.get(&admin, &format!("/api/imports/{id}/preview")).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["delimiter"], ";");
    assert_eq!(preview["columns"][1], "Mobile");
    assert_eq!(preview["suggested"], json!(["name", "phone", "tags", "fields.city", "stage", "value", "consent"]));
    assert_eq!(preview["rows"].as_array().unwrap().len(), 6);

    let start = |mapping: Value| json!({"mapping": mapping, "pipeline": "sales", "tags": ["Imported"]});
    let (status, bad) = t.post(&admin, &format!("/api/imports/{id}/start"), &start(json!(["name"])), None).await;
    assert_eq!(status, 422, "{bad}");
    let no_phone = json!(["name", "", "tags", "", "", "", ""]);
    let (status, bad) = t.post(&admin, &format!("/api/imports/{id}/start"), &start(no_phone), None).await;
    assert!(status == 422 && bad["error"]["message"].as_str().unwrap().contains("phone"), "{bad}");
    let (status, started) = t.post(&admin, &format!("/api/imports/{id}/start"), &start(mapping()), None).await;
    assert_eq!((status, &started["status"]), (202, &json!("queued")), "{started}");
    assert_eq!(t.post(&admin, &format!("/api/imports/{id}/start"), &start(mapping()), None).await.0, 409);

    let done = finished(&t, &admin, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    let counts = |job: &Value| {
        ["rows", "created", "updated", "unchanged", "rejected", "skipped"].map(|k| job[k].as_u64().unwrap())
    };
    assert_eq!(counts(&done), [6, 2, 0, 0, 2, 2], "{done}");
    let report = reqwest::get(done["report_url"].as_str().unwrap()).await.unwrap().text().await.unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "row,outcome,reason,Name,Mobile,Tags,City,Stage,Value,Opted in");
    assert!(lines.iter().any(|l| l.starts_with("4,skipped,the same phone number as row 2")), "{report}");
    assert!(lines.iter().any(|l| l.starts_with("5,skipped,blank row")), "{report}");
    assert!(
        lines.iter().any(|l| l.starts_with("6,rejected,Name: a formula cell") && l.contains("'=HYPERLINK")),
        "{report}"
    );
    assert!(lines.iter().any(|l| l.starts_with("7,rejected,Mobile: the phone number is too short")), "{report}");

    let contacts = t.contacts(&admin).await;
    assert_eq!(contacts.len(), 2);
    let meena = contacts.iter().find(|c| c["phone"] == "+919820012345").expect("Meena imported");
    assert_eq!(meena["name"], "Meena Iyer");
    assert_eq!(meena["tags"], json!(["diwali", "imported", "vip"]));
    assert_eq!(meena["fields"]["city"], "Pune");
    assert_eq!(meena["consent"]["method"], "import");
    let deals = t.get(&admin, &format!("/api/contacts/{}/deals", meena["id"].as_str().unwrap())).await.1;
    let deal = &deals["items"][0];
    assert_eq!((&deal["stage"], &deal["value_minor"]), (&json!("qualified"), &json!(450050)), "{deals}");

    // The same file again: everything is there already.
    let again = upload(&t, &admin, "diwali-list.csv", MESSY).await;
    let again_id = again["id"].as_str().unwrap();
    assert_eq!(t.post(&admin, &format!("/api/imports/{again_id}/start"), &start(mapping()), None).await.0, 202);
    let done = finished(&t, &admin, again_id).await;
    assert_eq!(counts(&done), [6, 0, 0, 2, 2, 2], "{done}");
    assert_eq!(t.contacts(&admin).await.len(), 2);
    let deals = t.get(&admin, &format!("/api/contacts/{}/deals", meena["id"].as_str().unwrap())).await.1;
    assert_eq!(deals["items"].as_array().unwrap().len(), 1, "no second deal: {deals}");

    let listed = t.get(&admin, "/api/imports").await.1;
    assert_eq!(listed["items"][0]["id"], again_id, "newest first: {listed}");
}
