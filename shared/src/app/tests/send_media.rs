use super::fixture::{World, T0};
use crate::app::deliver::{Deliver, JobOutcome, RetryPolicy};
use crate::app::media_upload::MediaUpload;
use crate::app::send_message::{SendCommand, SendError};
use crate::domain::media_copy::contact_media_prefix;
use crate::domain::outbound::{OutboundContent, SendRefusal};
use crate::domain::outbound_media::{MediaKind, MediaRefusal, OutboundFile};
use crate::domain::{ContactId, Millis};
use crate::ports::memory::MemoryVault;
use crate::ports::{MediaVault, OutboxStore};
use crate::whatsapp::send::SendOutcome;
use std::sync::Arc;

fn attach(contact: &ContactId, key: &str, claimed: &str) -> SendCommand {
    SendCommand {
        contact: contact.clone(),
        content: OutboundContent::Media {
            file: OutboundFile {
                kind: MediaKind::Document,
                key: key.to_owned(),
                mime_type: claimed.to_owned(),
                size: 0,
                filename: Some("brochure.pdf".into()),
                caption: Some("Our 2026 range".into()),
                buttons: vec![],
            },
        },
        reply_to: None,
        idempotency_key: Some("send-1".into()),
        actor: "agent@shop.test".into(),
    }
}

async fn uploaded(vault: &MemoryVault, contact: &ContactId, bytes: usize, mime_type: &str) -> String {
    let key = format!("{}out-0123abcd", contact_media_prefix(contact));
    vault.put(&key, vec![7; bytes], mime_type).await.unwrap();
    key
}

fn refusal(err: SendError) -> &'static str {
    match err {
        SendError::Refused(r) => r.code(),
        other => panic!("not a refusal: {other:?}"),
    }
}

#[tokio::test]
async fn a_document_is_queued_once_and_sent_once_by_a_fresh_link_even_when_request_and_job_repeat() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("15550001111", "wamid.in1", "send me the brochure").await;
    let key = uploaded(&vault, &contact, 2048, "application/pdf").await;
    let send = w.send_message().with_uploads(vault.clone());
    let first = send.send(attach(&contact, &key, "application/pdf")).await.unwrap();
    let again = send.send(attach(&contact, &key, "application/pdf")).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.id, first.id);
    assert_eq!(w.queue.enqueued().len(), 1, "a retried request queues nothing more");

    let job = w.queue.enqueued().remove(0);
    let stored = w.store.outbound(&job).await.unwrap().unwrap().message;
    let OutboundContent::Media { file } = &stored.content else { panic!("{:?}", stored.content) };
    assert_eq!((file.size, file.kind), (2048, MediaKind::Document), "the bucket's size, not the browser's");

    w.whatsapp.then(SendOutcome::Accepted { wamid: "wamid.OUT".into() });
    let deliver = Deliver::new(w.store.clone(), w.whatsapp.clone(), RetryPolicy::default()).with_media(vault.clone());
    assert_eq!(deliver.deliver(&job).await.unwrap(), JobOutcome::Done);
    assert_eq!(deliver.deliver(&job).await.unwrap(), JobOutcome::Done);
    let requests = w.whatsapp.requests();
    assert_eq!(requests.len(), 1, "a redelivered job calls Meta no second time");
    let body = requests[0].body();
    assert_eq!(body["type"], "document");
    assert_eq!(body["document"]["filename"], "brochure.pdf");
    assert_eq!(body["document"]["caption"], "Our 2026 range");
    assert!(body["document"]["link"].as_str().unwrap().starts_with(&format!("memory://{key}")), "{body}");
}

#[tokio::test]
async fn the_real_object_is_checked_against_metas_limits_not_what_the_browser_claimed() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("15550001111", "wamid.in1", "photo please").await;
    let key = uploaded(&vault, &contact, 5 * 1024 * 1024 + 1, "image/jpeg").await;
    let send = w.send_message().with_uploads(vault.clone());
    let err = send.send(attach(&contact, &key, "image/jpeg")).await.unwrap_err();
    assert_eq!(refusal(err), "media_too_large");
    let gif = uploaded(&vault, &contact, 10, "image/gif").await;
    let err = send.send(attach(&contact, &gif, "image/jpeg")).await.unwrap_err();
    assert_eq!(refusal(err), "media_type", "the stored type counts");
    assert!(w.queue.enqueued().is_empty());
}

#[tokio::test]
async fn a_missing_upload_or_another_contacts_file_is_refused() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let ann = w.customer_says("15550001111", "wamid.in1", "hi").await;
    let bob = w.customer_says("15550002222", "wamid.in2", "hi").await;
    let send = w.send_message().with_uploads(vault.clone());
    let missing = format!("{}out-00ff", contact_media_prefix(&ann));
    assert_eq!(refusal(send.send(attach(&ann, &missing, "application/pdf")).await.unwrap_err()), "media_not_uploaded");
    let bobs = uploaded(&vault, &bob, 100, "application/pdf").await;
    assert_eq!(refusal(send.send(attach(&ann, &bobs, "application/pdf")).await.unwrap_err()), "media_key");
    assert!(w.queue.enqueued().is_empty());
}

#[tokio::test]
async fn a_file_outside_the_window_gets_the_same_refusal_as_text() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("15550001111", "wamid.in1", "hi").await;
    let key = uploaded(&vault, &contact, 100, "application/pdf").await;
    w.clock.set(Millis(T0.0 + 25 * 3_600_000));
    let err = w.send_message().with_uploads(vault).send(attach(&contact, &key, "application/pdf")).await.unwrap_err();
    assert!(matches!(err, SendError::Refused(SendRefusal::WindowClosed { .. })), "{err:?}");
    assert!(w.queue.enqueued().is_empty());
}

#[tokio::test]
async fn upload_links_are_given_only_for_files_meta_takes_under_the_contacts_prefix() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hi").await;
    let uploads = MediaUpload::new(Arc::new(MemoryVault::default()));
    let prepared = uploads.prepare(&contact, "application/pdf", 2048, Some("brochure.pdf")).await.unwrap();
    assert!(prepared.key.starts_with(&contact_media_prefix(&contact)));
    assert_eq!(prepared.kind, MediaKind::Document);
    let too_big = uploads.prepare(&contact, "video/mp4", 17 * 1024 * 1024, None).await.unwrap_err();
    assert!(too_big.to_string().contains("at most 16 MB"), "{too_big}");
    let gif = uploads.prepare(&contact, "image/gif", 10, None).await.unwrap_err();
    assert!(matches!(gif, crate::app::media_upload::UploadError::Refused(MediaRefusal::UnsupportedType { .. })));
}
