//! Media doubles: messages with files, a scripted Meta, a bucket in a map,
//! and a queue that records what it was asked to copy.

use crate::domain::media_copy::{MediaCopy, MediaFailure, StoredMedia};
use crate::domain::MessageRef;
use crate::ports::{
    FileError, LinkDisposition, MediaDescriptor, MediaMessage, MediaQueue, MediaRecords, MediaSource, MediaSourceError,
    MediaUploads, MediaVault, QueueError, StoreError, UploadedObject,
};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Messages with files, and their copies.
#[derive(Default)]
pub struct MemoryMediaRecords {
    messages: Mutex<HashMap<MessageRef, MediaMessage>>,
}

impl MemoryMediaRecords {
    /// Adds a message with a file, its copy pending.
    pub fn add(&self, message: &MessageRef, record: MediaMessage) {
        lock(&self.messages).insert(message.clone(), record);
    }

    /// A message's copy.
    pub fn copy_of(&self, message: &MessageRef) -> Option<MediaCopy> {
        lock(&self.messages).get(message).map(|m| m.copy.clone())
    }
}

#[async_trait::async_trait]
impl MediaRecords for MemoryMediaRecords {
    async fn media_message(&self, message: &MessageRef) -> Result<Option<MediaMessage>, StoreError> {
        Ok(lock(&self.messages).get(message).cloned())
    }

    async fn media_stored(&self, message: &MessageRef, stored: &StoredMedia) -> Result<bool, StoreError> {
        Ok(settle(&self.messages, message, MediaCopy::stored(stored.clone())))
    }

    async fn media_failed(&self, message: &MessageRef, failure: MediaFailure) -> Result<bool, StoreError> {
        Ok(settle(&self.messages, message, MediaCopy::failed(failure)))
    }
}

fn settle(messages: &Mutex<HashMap<MessageRef, MediaMessage>>, message: &MessageRef, copy: MediaCopy) -> bool {
    match lock(messages).get_mut(message) {
        Some(found) if !found.copy.is_settled() => {
            found.copy = copy;
            true
        }
        _ => false,
    }
}

/// What the scripted Meta does on the next calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaAnswer {
    /// Describes the file and serves its bytes.
    Serve,
    /// The url it hands out has expired by the time it is fetched.
    ExpiredUrl,
    /// The media id is gone.
    Gone,
    /// Meta is down.
    Down,
    /// Serves these bytes instead of the real ones.
    Corrupt(Vec<u8>),
}

/// A scripted Meta hosting files by media id. Calls use the scripted
/// answers in order, then [`MetaAnswer::Serve`].
#[derive(Default)]
pub struct ScriptedMediaSource {
    files: Mutex<HashMap<String, (Vec<u8>, String)>>,
    script: Mutex<VecDeque<MetaAnswer>>,
    urls: Mutex<HashMap<String, MetaAnswer>>,
    /// How many urls were asked for.
    pub describes: Mutex<u32>,
}

impl ScriptedMediaSource {
    /// Hosts `bytes` under `media_id`.
    pub fn host(&self, media_id: &str, bytes: &[u8], mime_type: &str) {
        lock(&self.files).insert(media_id.to_owned(), (bytes.to_vec(), mime_type.to_owned()));
    }

    /// The next describe calls answer these, in order.
    pub fn script(&self, answers: impl IntoIterator<Item = MetaAnswer>) {
        lock(&self.script).extend(answers);
    }
}

#[async_trait::async_trait]
impl MediaSource for ScriptedMediaSource {
    async fn describe(&self, media_id: &str, _business_number: &str) -> Result<MediaDescriptor, MediaSourceError> {
        let answer = lock(&self.script).pop_front().unwrap_or(MetaAnswer::Serve);
        let n = {
            let mut count = lock(&self.describes);
            *count += 1;
            *count
        };
        let Some((bytes, mime_type)) = lock(&self.files).get(media_id).cloned() else {
            return Err(MediaSourceError::Gone);
        };
        match answer {
            MetaAnswer::Gone => return Err(MediaSourceError::Gone),
            MetaAnswer::Down => return Err(MediaSourceError::Unavailable("scripted outage".into())),
            _ => {}
        }
        use sha2::Digest;
        let url = format!("memory://{media_id}/{n}");
        lock(&self.urls).insert(url.clone(), answer);
        Ok(MediaDescriptor {
            url,
            mime_type,
            sha256: hex::encode(sha2::Sha256::digest(&bytes)),
            file_size: bytes.len() as u64,
        })
    }

    async fn download(&self, url: &str, max_bytes: u64, _business_number: &str) -> Result<Vec<u8>, MediaSourceError> {
        let answer = lock(&self.urls).get(url).cloned().ok_or(MediaSourceError::UrlExpired)?;
        let media_id = url.trim_start_matches("memory://").split('/').next().unwrap_or_default();
        let (bytes, _) = lock(&self.files).get(media_id).cloned().ok_or(MediaSourceError::UrlExpired)?;
        let bytes = match answer {
            MetaAnswer::ExpiredUrl => return Err(MediaSourceError::UrlExpired),
            MetaAnswer::Corrupt(other) => other,
            _ => bytes,
        };
        if bytes.len() as u64 > max_bytes {
            return Err(MediaSourceError::TooLarge);
        }
        Ok(bytes)
    }
}

/// A bucket in a map.
#[derive(Default)]
pub struct MemoryVault {
    objects: Mutex<BTreeMap<String, (Vec<u8>, String)>>,
    /// How many writes it took.
    pub puts: Mutex<u32>,
}

impl MemoryVault {
    /// The object at `key`.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        lock(&self.objects).get(key).map(|(b, _)| b.clone())
    }

    /// Every key.
    pub fn keys(&self) -> Vec<String> {
        lock(&self.objects).keys().cloned().collect()
    }
}

#[async_trait::async_trait]
impl MediaVault for MemoryVault {
    async fn put(&self, key: &str, bytes: Vec<u8>, mime_type: &str) -> Result<(), FileError> {
        *lock(&self.puts) += 1;
        lock(&self.objects).insert(key.to_owned(), (bytes, mime_type.to_owned()));
        Ok(())
    }

    async fn link(
        &self,
        key: &str,
        _mime_type: &str,
        filename: &str,
        disposition: LinkDisposition,
        valid_for_seconds: u64,
    ) -> Result<String, FileError> {
        Ok(format!(
            "memory://{key}?name={filename}&inline={}&ttl={valid_for_seconds}",
            disposition == LinkDisposition::Inline
        ))
    }

    async fn delete_under(&self, prefix: &str) -> Result<usize, FileError> {
        let mut objects = lock(&self.objects);
        let before = objects.len();
        objects.retain(|k, _| !k.starts_with(prefix));
        Ok(before - objects.len())
    }
}

#[async_trait::async_trait]
impl MediaUploads for MemoryVault {
    async fn upload_link(&self, key: &str, mime_type: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        Ok(format!("memory://{key}?put&type={mime_type}&ttl={valid_for_seconds}"))
    }

    async fn uploaded(&self, key: &str) -> Result<Option<UploadedObject>, FileError> {
        Ok(lock(&self.objects)
            .get(key)
            .map(|(bytes, mime_type)| UploadedObject { size: bytes.len() as u64, mime_type: mime_type.clone() }))
    }
}

/// A media queue that records what it was asked.
#[derive(Default)]
pub struct MemoryMediaQueue {
    /// The messages queued, in order.
    pub queued: Mutex<Vec<MessageRef>>,
}

#[async_trait::async_trait]
impl MediaQueue for MemoryMediaQueue {
    async fn enqueue_media(&self, message: &MessageRef) -> Result<(), QueueError> {
        lock(&self.queued).push(message.clone());
        Ok(())
    }
}
