//! Issue 10 §2 on the local stack: staff attach a file — the API signs a
//! PUT (the real SDK against moto), the bytes go straight into the media
//! bucket, the send checks the uploaded object, the sender links it to the
//! simulator's Meta, which fetches it and walks the message to `read`.

use parley_e2e::TestStack;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

const CUSTOMER: &str = "919812345678";
const PDF: &[u8] = include_bytes!("../../infra/simulator/samples/brochure.pdf");

async fn contact_id(t: &TestStack, cookie: &str) -> String {
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

async fn wait_for(t: &TestStack, cookie: &str, contact: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..1800 {
        if let Some(m) = t.timeline(cookie, contact).await.into_iter().find(|m| m["id"] == id) {
            if done(&m) {
                return m;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("message {id} never got there: {:?}", t.timeline(cookie, contact).await);
}

/// Asks for an upload link and PUTs `bytes` to it as a browser would.
async fn upload(t: &TestStack, cookie: &str, contact: &str, bytes: &[u8], mime_type: &str) -> String {
    let ask = json!({"mime_type": mime_type, "size": bytes.len(), "filename": "brochure.pdf"});
    let (status, link) = t.post(cookie, &format!("/api/contacts/{contact}/uploads"), &ask, None).await;
    assert_eq!(status, 201, "{link}");
    let key = link["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with(&format!("media/{contact}/")), "erased with the contact: {key}");
    let put = t
        .http
        .put(link["url"].as_str().unwrap())
        .header("content-type", link["mime_type"].as_str().unwrap())
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "PUT {}: {}", put.status(), put.text().await.unwrap_or_default());
    key
}

fn document(key: &str) -> Value {
    json!({"type": "media", "media": {"key": key, "mime_type": "application/pdf", "filename": "brochure.pdf", "caption": "Our 2026 range"}})
}

#[tokio::test]
async fn a_pdf_brochure_is_uploaded_sent_by_link_received_by_meta_and_read() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "Can you send the brochure?").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let key = upload(&t, &cookie, &contact, PDF, "application/pdf").await;

    let path = format!("/api/contacts/{contact}/messages");
    let (status, queued) = t.post(&cookie, &path, &document(&key), Some("brochure-1")).await;
    assert_eq!(status, 202, "{queued}");
    let (status, again) = t.post(&cookie, &path, &document(&key), Some("brochure-1")).await;
    assert_eq!((status, &again["id"], &again["replayed"]), (202, &queued["id"], &json!(true)));
    let id = queued["id"].as_str().unwrap();

    let read = wait_for(&t, &cookie, &contact, id, |m| m["status"] == "read").await;
    assert_eq!(read["type"], "document");
    assert_eq!(read["text"], "Our 2026 range");
    assert_eq!(read["media"]["status"], "stored");
    assert_eq!(read["media"]["filename"], "brochure.pdf");
    assert_eq!(read["media"]["size"].as_u64(), Some(PDF.len() as u64));
    let shown = t.http.get(read["media"]["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&shown[..], PDF, "the timeline links the very bytes sent");

    let sent: Vec<Value> = t.accepted().await.into_iter().filter(|a| a["body"]["type"] == "document").collect();
    assert_eq!(sent.len(), 1, "sent once, whatever the retried request: {sent:?}");
    let body = &sent[0]["body"];
    assert_eq!(body["document"]["filename"], "brochure.pdf");
    assert_eq!(body["document"]["caption"], "Our 2026 range");
    assert!(body["document"].get("id").is_none(), "sent by link");
    let digest = hex::encode(Sha256::digest(PDF));
    assert_eq!(sent[0]["media_sha256"].as_str(), Some(digest.as_str()), "Meta fetched the exact bytes by the link");
}

#[tokio::test]
async fn a_file_whatsapp_refuses_gets_a_422_naming_the_limit_and_nothing_is_sent() {
    let t = TestStack::start().await;
    t.customer_says(CUSTOMER, "Asha", "photo please").await;
    let cookie = t.login().await;
    let contact = contact_id(&t, &cookie).await;
    let uploads = format!("/api/contacts/{contact}/uploads");
    let (status, error) =
        t.post(&cookie, &uploads, &json!({"mime_type": "image/jpeg", "size": 6 * 1024 * 1024}), None).await;
    assert_eq!(status, 422, "{error}");
    assert!(error.to_string().contains("at most 5 MB"), "{error}");
    let (status, error) = t.post(&cookie, &uploads, &json!({"mime_type": "image/gif", "size": 10}), None).await;
    assert_eq!(status, 422, "{error}");
    // The browser claims a small JPEG but uploads 6 MB: the send reads the object.
    let (_, link) = t.post(&cookie, &uploads, &json!({"mime_type": "image/jpeg", "size": 1000}), None).await;
    let big = vec![0u8; 6 * 1024 * 1024];
    let put = t.http.put(link["url"].as_str().unwrap()).header("content-type", "image/jpeg").body(big).send().await;
    assert!(put.unwrap().status().is_success());
    let body = json!({"type": "media", "media": {"key": link["key"], "mime_type": "image/jpeg"}});
    let (status, error) = t.post(&cookie, &format!("/api/contacts/{contact}/messages"), &body, None).await;
    assert_eq!(status, 422, "{error}");
    assert!(error.to_string().contains("at most 5 MB"), "{error}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(t.accepted().await.iter().all(|a| a["body"]["type"] != "image"));
}
