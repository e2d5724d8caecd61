//! Copying customers' files: stored once and verified, a stale url retried
//! with a fresh one, a media id gone at Meta failed with its reason,
//! nothing retried forever; and the reaction that queues the copies.

use crate::app::copy_media::{CopyMedia, CopyOutcome};
use crate::app::media_copy_request::MediaCopyRequest;
use crate::app::reactions::Reaction;
use crate::domain::media_copy::{media_key, MediaCopy, MediaFailure, MediaFile, MediaRetry, MediaStatus};
use crate::domain::{ContactId, Event, EventKind, MessageRef, Millis};
use crate::ports::memory::{MemoryMediaQueue, MemoryMediaRecords, MemoryVault, MetaAnswer, ScriptedMediaSource};
use crate::ports::MediaMessage;
use sha2::{Digest, Sha256};
use std::sync::Arc;

const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a small jpeg";

struct World {
    records: Arc<MemoryMediaRecords>,
    meta: Arc<ScriptedMediaSource>,
    vault: Arc<MemoryVault>,
    copy: CopyMedia,
    message: MessageRef,
}

fn contact() -> ContactId {
    ContactId::parse("0123456789abcdef01234567").expect("a valid id")
}

fn world() -> World {
    let records = Arc::new(MemoryMediaRecords::default());
    let meta = Arc::new(ScriptedMediaSource::default());
    let vault = Arc::new(MemoryVault::default());
    let message = MessageRef::new(contact(), Millis(1_000), "wamid.PHOTO");
    meta.host("m-1", PHOTO, "image/jpeg");
    records.add(
        &message,
        MediaMessage {
            message_id: "wamid.PHOTO".into(),
            business_number: "106540352242922".into(),
            file: MediaFile { media_id: "m-1".into(), mime_type: Some("image/jpeg".into()), filename: None },
            copy: MediaCopy::pending(),
        },
    );
    let retry = MediaRetry { max_attempts: 3, base_seconds: 10, max_seconds: 60 };
    let copy = CopyMedia::new(records.clone(), meta.clone(), vault.clone(), retry);
    World { records, meta, vault, copy, message }
}

#[tokio::test]
async fn stores_the_verified_bytes_once_and_a_redelivered_job_does_nothing() {
    let w = world();
    assert_eq!(w.copy.run(&w.message, 1).await.ok(), Some(CopyOutcome::Stored));
    let key = media_key(&contact(), "wamid.PHOTO");
    assert_eq!(w.vault.object(&key).as_deref(), Some(PHOTO));
    let copy = w.records.copy_of(&w.message).expect("the message");
    assert_eq!(copy.status, MediaStatus::Stored);
    let stored = copy.stored.expect("a stored copy");
    assert_eq!(stored.sha256, hex::encode(Sha256::digest(PHOTO)));
    assert_eq!((stored.size, stored.mime_type.as_str()), (PHOTO.len() as u64, "image/jpeg"));

    assert_eq!(w.copy.run(&w.message, 1).await.ok(), Some(CopyOutcome::AlreadySettled));
    assert_eq!(*w.vault.puts.lock().expect("lock"), 1, "stored once");
    assert_eq!(*w.meta.describes.lock().expect("lock"), 1, "Meta asked once");
}

#[tokio::test]
async fn an_expired_url_is_retried_later_with_a_fresh_one() {
    let w = world();
    w.meta.script([MetaAnswer::ExpiredUrl]);
    assert_eq!(w.copy.run(&w.message, 1).await.ok(), Some(CopyOutcome::RetryIn(10)));
    assert_eq!(w.records.copy_of(&w.message).map(|c| c.status), Some(MediaStatus::Pending));
    assert_eq!(w.copy.run(&w.message, 2).await.ok(), Some(CopyOutcome::Stored));
    assert_eq!(*w.meta.describes.lock().expect("lock"), 2, "a fresh url for the second attempt");
}

#[tokio::test]
async fn a_media_id_gone_at_meta_fails_at_once_with_its_reason() {
    let w = world();
    w.meta.script([MetaAnswer::Gone]);
    assert_eq!(w.copy.run(&w.message, 1).await.ok(), Some(CopyOutcome::Failed(MediaFailure::ExpiredAtMeta)));
    let copy = w.records.copy_of(&w.message).expect("the message");
    assert_eq!((copy.status, copy.failure), (MediaStatus::Failed, Some(MediaFailure::ExpiredAtMeta)));
    assert!(w.vault.keys().is_empty());
}

#[tokio::test]
async fn bytes_that_do_not_match_metas_checksum_are_not_kept() {
    let w = world();
    let mut tampered = PHOTO.to_vec();
    tampered[3] ^= 1;
    w.meta.script([MetaAnswer::Corrupt(tampered)]);
    assert_eq!(w.copy.run(&w.message, 1).await.ok(), Some(CopyOutcome::Failed(MediaFailure::ChecksumMismatch)));
    assert!(w.vault.keys().is_empty());
}

#[tokio::test]
async fn an_outage_is_retried_with_backoff_and_given_up_after_the_last_attempt() {
    let w = world();
    w.meta.script([MetaAnswer::Down, MetaAnswer::Down, MetaAnswer::Down]);
    assert_eq!(w.copy.run(&w.message, 1).await.ok(), Some(CopyOutcome::RetryIn(10)));
    assert_eq!(w.copy.run(&w.message, 2).await.ok(), Some(CopyOutcome::RetryIn(20)));
    assert_eq!(w.copy.run(&w.message, 3).await.ok(), Some(CopyOutcome::Failed(MediaFailure::Unavailable)));
    assert_eq!(w.copy.run(&w.message, 4).await.ok(), Some(CopyOutcome::AlreadySettled));
}

#[tokio::test]
async fn a_message_erased_before_its_copy_leaves_nothing_to_copy() {
    let w = world();
    let gone = MessageRef::new(contact(), Millis(2_000), "wamid.ERASED");
    assert_eq!(w.copy.run(&gone, 1).await.ok(), Some(CopyOutcome::NothingToCopy));
}

#[tokio::test]
async fn the_reaction_queues_a_copy_for_media_messages_only() {
    let queue = Arc::new(MemoryMediaQueue::default());
    let reaction = MediaCopyRequest::new(queue.clone());
    let received = |wamid: &str, kind: &str| {
        Event::new(
            EventKind::MessageReceived,
            format!("message.received:{wamid}"),
            Millis(5_000),
            serde_json::json!({"wamid": wamid, "message_type": kind}),
        )
        .about(&contact())
    };
    for (wamid, kind) in [("w.1", "image"), ("w.2", "text"), ("w.3", "audio"), ("w.4", "location")] {
        assert!(reaction.react(&received(wamid, kind)).await.is_ok());
    }
    let queued = queue.queued.lock().expect("lock").clone();
    assert_eq!(
        queued,
        vec![MessageRef::new(contact(), Millis(5_000), "w.1"), MessageRef::new(contact(), Millis(5_000), "w.3")]
    );
}

#[tokio::test]
async fn erasing_a_contact_deletes_its_files_and_no_one_elses() {
    use crate::app::data_ownership::DataOwnership;
    use crate::domain::Role;
    use crate::ports::MediaVault;
    let w = super::fixture::World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let erased = w.customer_says("15550001111", "wamid.1", "hi").await;
    let kept = w.customer_says("15550002222", "wamid.2", "hello").await;
    let vault = Arc::new(MemoryVault::default());
    for (contact, id) in [(&erased, "wamid.1"), (&erased, "wamid.1b"), (&kept, "wamid.2")] {
        assert!(vault.put(&media_key(contact, id), b"bytes".to_vec(), "image/jpeg").await.is_ok());
    }
    let data = DataOwnership::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone())
        .with_media(vault.clone());
    assert!(data.erase(&admin, &erased).await.is_ok());
    assert_eq!(vault.keys(), vec![media_key(&kept, "wamid.2")]);
}
