//! Issue 10 §1 on the local stack: a customer's photo, voice note, PDF,
//! video and sticker reach the simulator's Meta, a signed webhook stores
//! the message, the event stream queues the copy, the media function copies
//! the bytes into the media bucket (moto), and the API's `media.url` gives
//! back the very same bytes. Stale urls, media gone at Meta, duplicates and
//! erasure included.

use parley_e2e::TestStack;
use parley_simulator::cloud_api::Faults;
use parley_simulator::media::{sample, Sample, SAMPLES};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const CUSTOMER: &str = "919812345678";

/// What the simulator said when the customer sent a file.
struct Sent {
    wamid: String,
    media_id: String,
    at: i64,
}

async fn customer_sends(t: &TestStack, media: &str, caption: &str) -> Sent {
    let url = format!("{}/sim/customer", t.simulator_url);
    let body = json!({"from": CUSTOMER, "name": "Asha", "text": caption, "media": media});
    let response = t.http.post(url).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let sent: Value = response.json().await.unwrap();
    Sent {
        wamid: sent["wamid"].as_str().unwrap().to_owned(),
        media_id: sent["media_id"].as_str().unwrap().to_owned(),
        at: sent["timestamp"].as_i64().unwrap(),
    }
}

async fn lookups(t: &TestStack) -> HashMap<String, u32> {
    let url = format!("{}/sim/media-lookups", t.simulator_url);
    t.http.get(url).send().await.unwrap().json().await.unwrap()
}

async fn contact_id(t: &TestStack, cookie: &str) -> String {
    let contacts = t.contacts(cookie).await;
    contacts[0]["id"].as_str().unwrap().to_owned()
}

/// The message `wamid` once its media is no longer pending.
async fn settled(t: &TestStack, cookie: &str, contact: &str, wamid: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let timeline = t.timeline(cookie, contact).await;
        let message = timeline.into_iter().find(|m| m["id"] == wamid).expect("the message is on the timeline");
        if message["media"]["status"] != "pending" || Instant::now() > deadline {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn fetch(t: &TestStack, url: &str) -> (u16, String, Vec<u8>) {
    let response = t.http.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

async fn s3() -> aws_sdk_s3::Client {
    let sdk = parley::adapters::aws::load_config().await;
    parley_local::bootstrap::sdk_s3_client(&sdk)
}

async fn keys_under(t: &TestStack, prefix: &str) -> Vec<String> {
    let listed = s3().await.list_objects_v2().bucket(&t.stack.media_bucket).prefix(prefix).send().await.unwrap();
    listed.contents().iter().filter_map(|o| o.key().map(str::to_owned)).collect()
}

fn expected_type(sample: &Sample) -> &'static str {
    sample.mime_type
}

#[tokio::test]
async fn each_kind_of_file_is_copied_to_the_bucket_and_its_link_returns_the_same_bytes() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let mut sent = Vec::new();
    for (i, sample) in SAMPLES.iter().enumerate() {
        let before = t.round_trips();
        sent.push((sample, customer_sends(&t, sample.name, "see this").await));
        if i > 0 {
            // The webhook's answer still costs one write; the copy is off its path.
            assert_eq!(t.round_trips() - before, 1, "{}: one round trip for the webhook", sample.name);
        }
    }
    let contact = contact_id(&t, &admin).await;
    for (sample, sent) in &sent {
        let message = settled(&t, &admin, &contact, &sent.wamid).await;
        let media = &message["media"];
        assert_eq!(media["status"], "stored", "{}: {message}", sample.name);
        assert_eq!(media["reason"], Value::Null);
        let digest = hex::encode(Sha256::digest(sample.bytes));
        assert_eq!(media["sha256"].as_str(), Some(digest.as_str()), "{}", sample.name);
        assert_eq!(media["size"].as_u64(), Some(sample.bytes.len() as u64));
        assert_eq!(media["mime_type"].as_str(), Some(sample.mime_type));
        let url = media["url"].as_str().expect("a link once stored");
        assert!(!url.contains(CUSTOMER), "no phone number in the object's key");
        let (status, kind, bytes) = fetch(&t, url).await;
        assert_eq!(status, 200, "{}", sample.name);
        assert_eq!(kind, expected_type(sample), "{}", sample.name);
        assert_eq!(hex::encode(Sha256::digest(&bytes)), digest, "{}: the link gives the exact bytes", sample.name);
        assert_eq!(bytes, sample.bytes);
    }
    // The answer, media and all, is what the OpenAPI document says.
    let (status, page) = t.get(&admin, &format!("/api/contacts/{contact}/messages")).await;
    assert_eq!(status, 200);
    let doc = parley_api::openapi_document();
    let mut schema = doc["paths"]["/api/contacts/{id}/messages"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]
        .clone();
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    schema["components"] = doc["components"].clone();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&page).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let pdf = sent.iter().find(|(s, _)| s.name == "pdf").map(|(_, sent)| sent).unwrap();
    let message = settled(&t, &admin, &contact, &pdf.wamid).await;
    assert_eq!(message["media"]["filename"], "brochure.pdf");
    let keys = keys_under(&t, &format!("media/{contact}/")).await;
    assert_eq!(keys.len(), SAMPLES.len(), "one object per file, under the contact");
    let head = s3().await.head_object().bucket(&t.stack.media_bucket).key(&keys[0]).send().await.unwrap();
    assert_eq!(head.server_side_encryption().map(|e| e.as_str()), Some("AES256"), "encrypted at rest");
    // Each media id was asked of Meta once: no copy ran twice.
    let asked = lookups(&t).await;
    for (_, sent) in &sent {
        assert_eq!(asked.get(&sent.media_id), Some(&1));
    }
}

#[tokio::test]
async fn a_url_that_expires_before_the_fetch_is_retried_with_a_fresh_one() {
    let t = TestStack::builder().faults(Faults { expire_media_urls: 1, ..Faults::default() }).start().await;
    let admin = t.login().await;
    let sent = customer_sends(&t, "voice", "").await;
    let contact = contact_id(&t, &admin).await;
    let message = settled(&t, &admin, &contact, &sent.wamid).await;
    assert_eq!(message["media"]["status"], "stored", "{message}");
    assert_eq!(lookups(&t).await.get(&sent.media_id), Some(&2), "a fresh url for the second attempt");
    let (status, kind, bytes) = fetch(&t, message["media"]["url"].as_str().unwrap()).await;
    assert_eq!((status, kind.as_str()), (200, "audio/ogg; codecs=opus"));
    assert_eq!(bytes, sample("voice").unwrap().bytes);
}

#[tokio::test]
async fn a_media_id_gone_at_meta_ends_failed_with_the_reason_and_no_link() {
    let t = TestStack::builder().faults(Faults { media_gone: true, ..Faults::default() }).start().await;
    let admin = t.login().await;
    let sent = customer_sends(&t, "photo", "the part I need").await;
    let contact = contact_id(&t, &admin).await;
    let message = settled(&t, &admin, &contact, &sent.wamid).await;
    assert_eq!(message["media"]["status"], "failed", "{message}");
    assert_eq!(message["media"]["reason"], "expired at Meta");
    assert_eq!(message["media"]["url"], Value::Null);
    assert_eq!(lookups(&t).await.get(&sent.media_id), Some(&1), "a gone media id is not asked for again");
    assert!(keys_under(&t, &format!("media/{contact}/")).await.is_empty());
}

#[tokio::test]
async fn a_duplicate_webhook_and_a_redelivered_job_store_the_file_once() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let sent = customer_sends(&t, "photo", "").await;
    // Meta delivers the same message again.
    let photo = sample("photo").unwrap();
    let customer = parley_simulator::Customer::new(CUSTOMER, "Asha");
    let again = customer.webhook(vec![customer.message(
        &sent.wamid,
        sent.at,
        photo.kind,
        photo.webhook_body(&sent.media_id, None),
    )]);
    assert_eq!(t.post_json_webhook(&again).await.status(), 200);
    let contact = contact_id(&t, &admin).await;
    let message = settled(&t, &admin, &contact, &sent.wamid).await;
    assert_eq!(message["media"]["status"], "stored", "{message}");
    let timeline = t.timeline(&admin, &contact).await;
    assert_eq!(timeline.len(), 1, "one message");

    // SQS hands the copy over again after it succeeded.
    let sdk = parley::adapters::aws::load_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue = t.queue_url(&sqs, "MediaQueue").await;
    let job = parley::adapters::sqs::MediaJob::new(&parley::domain::MessageRef::new(
        parley::domain::ContactId::parse(&contact).unwrap(),
        parley::domain::Millis(sent.at * 1000),
        &sent.wamid,
    ));
    sqs.send_message().queue_url(&queue).message_body(serde_json::to_string(&job).unwrap()).send().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await
            .unwrap();
        let count = |name: aws_sdk_sqs::types::QueueAttributeName| {
            attributes.attributes().and_then(|a| a.get(&name)).and_then(|n| n.parse::<u32>().ok()).unwrap_or(0)
        };
        let left = count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            + count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible);
        if left == 0 || Instant::now() > deadline {
            assert_eq!(left, 0, "the redelivered job was handled");
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(lookups(&t).await.get(&sent.media_id), Some(&1), "Meta was asked once");
    assert_eq!(keys_under(&t, &format!("media/{contact}/")).await.len(), 1);
}

#[tokio::test]
async fn erasing_a_contact_deletes_its_files_from_the_bucket() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let sent = customer_sends(&t, "pdf", "my requirements").await;
    let contact = contact_id(&t, &admin).await;
    assert_eq!(settled(&t, &admin, &contact, &sent.wamid).await["media"]["status"], "stored");
    assert_eq!(keys_under(&t, &format!("media/{contact}/")).await.len(), 1);
    let (status, body) = t.request(&admin, "DELETE", &format!("/api/contacts/{contact}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(keys_under(&t, &format!("media/{contact}/")).await.is_empty(), "the file went with the contact");
}

#[tokio::test]
async fn an_agent_who_may_not_see_the_contact_gets_no_link() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let sent = customer_sends(&t, "photo", "").await;
    let contact = contact_id(&t, &admin).await;
    assert_eq!(settled(&t, &admin, &contact, &sent.wamid).await["media"]["status"], "stored");
    // Agents see the unassigned queue and their own: the owner's colleague sees a link, this agent not.
    let (status, body) = t.get(&agent, &format!("/api/contacts/{contact}/messages")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["items"][0]["media"]["url"].is_string(), "{body}");
    t.teammate(&admin, "other@shop.test", "agent").await;
    let (status, body) =
        t.post(&admin, &format!("/api/contacts/{contact}/assign"), &json!({"owner": "other@shop.test"}), None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t.get(&agent, &format!("/api/contacts/{contact}/messages")).await;
    assert!(status == 403 || status == 404, "{status}: {body}");
    assert!(!body.to_string().contains("X-Amz-Signature"), "{body}");
}
