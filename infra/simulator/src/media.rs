//! Media the way Meta hosts it (Cloud API "Media" reference): a media id from
//! a webhook is looked up with `GET /<version>/<MEDIA_ID>` and the access
//! token, which answers `{messaging_product, url, mime_type, sha256,
//! file_size, id}`; the url is good for 5 minutes and answers the bytes only
//! with `Authorization: Bearer <token>`; after that, or once the media is
//! deleted (`DELETE /<version>/<MEDIA_ID>`), Meta answers 404. The url's
//! host here is the simulator itself; Meta's is `lookaside.fbsbx.com`.

use rand::Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a download url works (Meta: 5 minutes).
pub const URL_LIFETIME: Duration = Duration::from_secs(300);

/// One of the real sample files a simulated customer can send.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The name `/sim/customer` and `make customer` take.
    pub name: &'static str,
    /// Meta's message type.
    pub kind: &'static str,
    /// Its MIME type as Meta reports it.
    pub mime_type: &'static str,
    /// A document's file name.
    pub filename: Option<&'static str>,
    /// The bytes.
    pub bytes: &'static [u8],
}

/// Every sample: a JPEG photo, an OGG/Opus voice note, a PDF, an MP4 and a
/// WebP sticker, each a few KB.
pub const SAMPLES: [Sample; 5] = [
    Sample {
        name: "photo",
        kind: "image",
        mime_type: "image/jpeg",
        filename: None,
        bytes: include_bytes!("../samples/photo.jpg"),
    },
    Sample {
        name: "voice",
        kind: "audio",
        mime_type: "audio/ogg; codecs=opus",
        filename: None,
        bytes: include_bytes!("../samples/voice.ogg"),
    },
    Sample {
        name: "pdf",
        kind: "document",
        mime_type: "application/pdf",
        filename: Some("brochure.pdf"),
        bytes: include_bytes!("../samples/brochure.pdf"),
    },
    Sample {
        name: "video",
        kind: "video",
        mime_type: "video/mp4",
        filename: None,
        bytes: include_bytes!("../samples/clip.mp4"),
    },
    Sample {
        name: "sticker",
        kind: "sticker",
        mime_type: "image/webp",
        filename: None,
        bytes: include_bytes!("../samples/sticker.webp"),
    },
];

/// The sample called `name`.
pub fn sample(name: &str) -> Option<Sample> {
    SAMPLES.into_iter().find(|s| s.name == name)
}

impl Sample {
    /// The hex SHA-256 Meta's media endpoint reports.
    pub fn sha256_hex(&self) -> String {
        hex::encode(Sha256::digest(self.bytes))
    }

    /// The message's type-specific object, as Meta's webhook carries it
    /// (the webhook's `sha256` is base64; the media endpoint's is hex).
    pub fn webhook_body(&self, media_id: &str, caption: Option<&str>) -> Value {
        use base64::Engine;
        let sha = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(self.bytes));
        let mut body = json!({"mime_type": self.mime_type, "sha256": sha, "id": media_id});
        match self.kind {
            "audio" => body["voice"] = json!(true),
            "sticker" => body["animated"] = json!(false),
            "document" => body["filename"] = json!(self.filename),
            _ => {}
        }
        if let Some(caption) = caption.filter(|c| !c.is_empty() && self.kind != "audio" && self.kind != "sticker") {
            body["caption"] = json!(caption);
        }
        body
    }
}

struct Link {
    media_id: String,
    expires: Instant,
}

/// The media Meta holds for the business, and the download urls handed out.
#[derive(Default)]
pub struct MediaLibrary {
    hosted: Mutex<HashMap<String, Sample>>,
    /// The business number each media was sent to: only its account's
    /// token may read it.
    numbers: Mutex<HashMap<String, String>>,
    links: Mutex<HashMap<String, Link>>,
    lookups: Mutex<HashMap<String, u32>>,
}

/// What the media endpoint answers.
pub enum Lookup {
    /// Meta's JSON for the media.
    Found(Value),
    /// No such media (never uploaded, expired or deleted).
    Gone,
}

/// What the download url answers.
pub enum Download {
    /// The bytes and their type.
    Bytes(&'static [u8], &'static str),
    /// The url expired, or never existed.
    Gone,
}

impl MediaLibrary {
    /// Hosts `sample` under a fresh media id, as Meta does when a customer
    /// sends a file.
    pub fn host(&self, sample: Sample, phone_number_id: &str) -> String {
        let id = Self::new_id();
        if let Ok(mut hosted) = self.hosted.lock() {
            hosted.insert(id.clone(), sample);
        }
        if let Ok(mut numbers) = self.numbers.lock() {
            numbers.insert(id.clone(), phone_number_id.to_owned());
        }
        id
    }

    /// The business number `media_id` was sent to.
    pub fn number_of(&self, media_id: &str) -> Option<String> {
        self.numbers.lock().ok()?.get(media_id).cloned()
    }

    /// The business number the media behind download link `hash` was sent to.
    pub fn number_of_link(&self, hash: &str) -> Option<String> {
        let media_id = self.links.lock().ok()?.get(hash)?.media_id.clone();
        self.number_of(&media_id)
    }

    /// A media id Meta no longer has (past its 7 days, or deleted).
    pub fn gone(&self) -> String {
        Self::new_id()
    }

    fn new_id() -> String {
        format!("{}", rand::thread_rng().gen_range(1_000_000_000_000_000u64..9_999_999_999_999_999))
    }

    /// How often each media id was looked up (`GET /<MEDIA_ID>`).
    pub fn lookups(&self) -> HashMap<String, u32> {
        self.lookups.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Deletes a media id; `false` when there was none.
    pub fn delete(&self, media_id: &str) -> bool {
        self.hosted.lock().map(|mut h| h.remove(media_id).is_some()).unwrap_or(false)
    }

    /// `GET /<MEDIA_ID>`: a fresh url (born expired when `expired`), or gone.
    pub fn lookup(&self, media_id: &str, base_url: &str, expired: bool) -> Lookup {
        if let Ok(mut lookups) = self.lookups.lock() {
            *lookups.entry(media_id.to_owned()).or_default() += 1;
        }
        let Some(sample) = self.hosted.lock().ok().and_then(|h| h.get(media_id).copied()) else {
            return Lookup::Gone;
        };
        let hash = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
        let expires = if expired { Instant::now() } else { Instant::now() + URL_LIFETIME };
        if let Ok(mut links) = self.links.lock() {
            links.insert(hash.clone(), Link { media_id: media_id.to_owned(), expires });
        }
        let ext = sample.mime_type.split(['/', ';']).nth(1).unwrap_or("bin");
        Lookup::Found(json!({
            "messaging_product": "whatsapp",
            "url": format!("{base_url}/sim/media-download?mid={media_id}&ext={ext}&hash={hash}"),
            "mime_type": sample.mime_type,
            "sha256": sample.sha256_hex(),
            "file_size": sample.bytes.len().to_string(),
            "id": media_id,
        }))
    }

    /// The download url's answer for `hash`.
    pub fn download(&self, hash: &str) -> Download {
        let media_id =
            self.links.lock().ok().and_then(|l| {
                l.get(hash).filter(|link| Instant::now() < link.expires).map(|link| link.media_id.clone())
            });
        let sample = media_id.and_then(|id| self.hosted.lock().ok().and_then(|h| h.get(&id).copied()));
        match sample {
            Some(sample) => Download::Bytes(sample.bytes, sample.mime_type),
            None => Download::Gone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_works_until_it_expires_and_a_deleted_media_is_gone() {
        let library = MediaLibrary::default();
        let id = library.host(SAMPLES[0], "106540352242922");
        assert_eq!(library.number_of(&id).as_deref(), Some("106540352242922"));
        let Lookup::Found(info) = library.lookup(&id, "http://sim", false) else { panic!("hosted") };
        assert_eq!(info["file_size"], SAMPLES[0].bytes.len().to_string());
        let url = info["url"].as_str().unwrap_or_default();
        let hash = url.rsplit("hash=").next().unwrap_or_default();
        assert!(matches!(library.download(hash), Download::Bytes(b, _) if b == SAMPLES[0].bytes));
        let Lookup::Found(stale) = library.lookup(&id, "http://sim", true) else { panic!("hosted") };
        let stale_hash = stale["url"].as_str().unwrap_or_default().rsplit("hash=").next().unwrap_or_default();
        assert!(matches!(library.download(stale_hash), Download::Gone));
        assert!(library.delete(&id));
        assert!(matches!(library.lookup(&id, "http://sim", false), Lookup::Gone));
        assert!(matches!(library.download(hash), Download::Gone));
    }
}
