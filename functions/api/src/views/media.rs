//! A customer's file on a message, as kept in the business's bucket.

use parley::domain::media_copy::{MediaFile, MediaStatus};
use parley::domain::{Message, MessageContent};
use parley::ports::{LinkDisposition, MediaVault};
use schemars::JsonSchema;
use serde::Serialize;

/// How long a media link works: long enough to play a voice note after
/// opening a conversation, short enough that a copied link soon dies.
pub const LINK_SECONDS: u64 = 900;

/// The file and where its copy stands. `url` is a short-lived link to the
/// exact bytes, present once `status` is `stored` (and only in answers to
/// staff who may see the contact); `reason` says why a copy `failed`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Media")]
pub struct MediaView {
    url: Option<String>,
    mime_type: Option<String>,
    size: Option<u64>,
    sha256: Option<String>,
    filename: Option<String>,
    #[schemars(extend("enum" = ["pending", "stored", "failed"]))]
    status: &'static str,
    reason: Option<&'static str>,
}

/// The name a file is saved under: a document's own, else one made from
/// its kind and type.
fn filename_of(file: &MediaFile, content: &MessageContent, mime_type: Option<&str>) -> String {
    if let Some(name) = &file.filename {
        return name.clone();
    }
    let kind = match content {
        MessageContent::Image { .. } => "photo",
        MessageContent::Audio { voice: true, .. } => "voice-note",
        MessageContent::Audio { .. } => "audio",
        MessageContent::Video { .. } => "video",
        MessageContent::Sticker { .. } => "sticker",
        _ => "file",
    };
    let ext = mime_type.and_then(|m| m.split(['/', ';']).nth(1)).map(str::trim).unwrap_or("bin");
    format!("{kind}.{ext}")
}

impl MediaView {
    /// The view of `message`'s file, if it carries one; no url.
    pub fn of(message: &Message) -> Option<Self> {
        let content = message.content.as_ref()?;
        let file = MediaFile::described(content)?;
        let copy = message.media.clone()?;
        let stored = copy.stored.as_ref();
        let mime_type = stored.map(|s| s.mime_type.clone()).or_else(|| file.mime_type.clone());
        Some(MediaView {
            url: None,
            filename: Some(filename_of(&file, content, mime_type.as_deref())),
            mime_type,
            size: stored.map(|s| s.size),
            sha256: stored.map(|s| s.sha256.clone()),
            status: copy.status.as_str(),
            reason: copy.failure.map(|f| f.reason()),
        })
    }

    /// As [`MediaView::of`], with a link when the copy is stored. A link
    /// that cannot be signed leaves `url` empty rather than failing the page.
    pub async fn linked(message: &Message, vault: &dyn MediaVault) -> Option<Self> {
        let mut view = Self::of(message)?;
        let stored = message.media.as_ref().and_then(|m| m.stored.as_ref());
        if let (Some(stored), MediaStatus::Stored) = (stored, MediaStatus::parse(view.status)?) {
            let disposition = match message.content {
                Some(MessageContent::Document { .. }) => LinkDisposition::Attachment,
                _ => LinkDisposition::Inline,
            };
            let filename = view.filename.clone().unwrap_or_default();
            match vault.link(&stored.key, &stored.mime_type, &filename, disposition, LINK_SECONDS).await {
                Ok(url) => view.url = Some(url),
                Err(e) => tracing::warn!(error = %e, "could not sign a media link"),
            }
        }
        Some(view)
    }
}
