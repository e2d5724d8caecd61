//! A file staff send: which of Meta's media kinds its type makes it, and
//! the type and size limits Meta enforces, checked before anything is
//! queued so that staff read the limit instead of a failed send later.
//!
//! The limits are Meta's "Supported media types" table
//! (<https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types>,
//! mirrored in AWS End User Messaging's
//! <https://docs.aws.amazon.com/social-messaging/latest/userguide/supported-media-types.html>):
//! image jpeg/png 5 MB; document pdf, Office, plain text 100 MB; audio
//! aac/amr/mpeg/mp4/ogg (Opus) 16 MB; video mp4/3gpp 16 MB; stickers
//! (webp, 100 KB static, 500 KB animated) are not sent from the composer.

use super::media_copy::contact_media_prefix;
use super::message_content::Media;
use super::{ContactId, MessageContent};
use serde::{Deserialize, Serialize};

const MB: u64 = 1024 * 1024;

/// Meta's media message types staff can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A photo (caption allowed).
    Image,
    /// A file downloaded under its name (caption allowed).
    Document,
    /// An audio file (no caption, as Meta refuses one).
    Audio,
    /// A video (caption allowed).
    Video,
}

/// Which kind each accepted MIME type is sent as.
const ACCEPTED: &[(&str, MediaKind)] = &[
    ("image/jpeg", MediaKind::Image),
    ("image/png", MediaKind::Image),
    ("application/pdf", MediaKind::Document),
    ("text/plain", MediaKind::Document),
    ("application/msword", MediaKind::Document),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", MediaKind::Document),
    ("application/vnd.ms-excel", MediaKind::Document),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", MediaKind::Document),
    ("application/vnd.ms-powerpoint", MediaKind::Document),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", MediaKind::Document),
    ("audio/aac", MediaKind::Audio),
    ("audio/amr", MediaKind::Audio),
    ("audio/mpeg", MediaKind::Audio),
    ("audio/mp4", MediaKind::Audio),
    ("audio/ogg", MediaKind::Audio),
    ("video/mp4", MediaKind::Video),
    ("video/3gpp", MediaKind::Video),
    ("video/3gp", MediaKind::Video),
];

/// The longest caption Meta takes.
pub const MAX_CAPTION_CHARS: usize = 1024;

/// The longest file name kept.
pub const MAX_FILENAME_CHARS: usize = 240;

impl MediaKind {
    /// Meta's type name (also the message's `type`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Document => "document",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }

    /// The kind a file of `mime_type` is sent as; `None` for a type Meta
    /// does not take. Parameters (`audio/ogg; codecs=opus`) are ignored.
    pub fn of(mime_type: &str) -> Option<Self> {
        let essence = essence(mime_type);
        ACCEPTED.iter().find(|(m, _)| *m == essence).map(|(_, kind)| *kind)
    }

    /// Meta's largest file of this kind, in bytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            MediaKind::Image => 5 * MB,
            MediaKind::Document => 100 * MB,
            MediaKind::Audio | MediaKind::Video => 16 * MB,
        }
    }

    /// Whether Meta shows a caption with this kind.
    pub fn takes_caption(self) -> bool {
        self != MediaKind::Audio
    }
}

fn essence(mime_type: &str) -> String {
    mime_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// A file staff attached, as it is kept with the outbound message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundFile {
    /// Image, document, audio or video.
    pub kind: MediaKind,
    /// The object in the media bucket (under the contact's prefix).
    pub key: String,
    /// Its type.
    pub mime_type: String,
    /// Its size in bytes, as the bucket reported it at send time.
    pub size: u64,
    /// The name a document is shown and saved under.
    pub filename: Option<String>,
    /// The text under an image, video or document.
    pub caption: Option<String>,
    /// Reply buttons under it (a quotation's Accept and Ask a question):
    /// the file then goes as the header of an interactive message, and the
    /// caption as its body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<super::reply_button::ReplyButton>,
}

impl OutboundFile {
    /// The message as the timeline shows it: the same content an inbound
    /// file of its kind has (no Meta media id: it was sent by link), so
    /// staff's files appear like customers'.
    pub fn as_message_content(&self) -> MessageContent {
        let media =
            Media { id: None, mime_type: Some(self.mime_type.clone()), sha256: None, caption: self.caption.clone() };
        match self.kind {
            MediaKind::Image => MessageContent::Image { media },
            MediaKind::Document => MessageContent::Document { media, filename: self.filename.clone() },
            MediaKind::Audio => MessageContent::Audio { media, voice: false },
            MediaKind::Video => MessageContent::Video { media },
        }
    }
}

/// Why a file cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaRefusal {
    /// A type Meta does not take.
    #[error("WhatsApp does not take {mime_type:?} files: send a JPEG or PNG image (5 MB), a PDF, Office or text document (100 MB), AAC, AMR, MP3, M4A or OGG audio (16 MB), or an MP4 or 3GP video (16 MB)")]
    UnsupportedType {
        /// The refused type.
        mime_type: String,
    },
    /// Bigger than Meta's limit for its kind.
    #[error("this {} is {} bytes; WhatsApp takes {} files of at most {} MB", .kind.as_str(), .size, .kind.as_str(), .kind.max_bytes() / MB)]
    TooLarge {
        /// Its kind.
        kind: MediaKind,
        /// Its size.
        size: u64,
    },
    /// An empty file.
    #[error("the file is empty")]
    Empty,
    /// Nothing was uploaded under the key (or it was already erased).
    #[error("no uploaded file was found under this key; upload the file first")]
    NotUploaded,
    /// A key outside the contact's own files.
    #[error("the file does not belong to this contact's uploads")]
    ForeignKey,
    /// A caption Meta would refuse.
    #[error("a caption has at most 1024 characters, and audio takes none")]
    BadCaption,
    /// A file name too long or with control characters.
    #[error("a file name has at most 240 characters and no control characters")]
    BadFilename,
    /// Reply buttons Meta would refuse, or buttons with no text above them.
    #[error("{0}, under a caption (their message's text)")]
    BadButtons(#[from] super::reply_button::BadReplyButtons),
}

impl MediaRefusal {
    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match self {
            MediaRefusal::UnsupportedType { .. } => "media_type",
            MediaRefusal::TooLarge { .. } => "media_too_large",
            MediaRefusal::Empty => "media_empty",
            MediaRefusal::NotUploaded => "media_not_uploaded",
            MediaRefusal::ForeignKey => "media_key",
            MediaRefusal::BadCaption => "media_caption",
            MediaRefusal::BadFilename => "media_filename",
            MediaRefusal::BadButtons(_) => "media_buttons",
        }
    }
}

/// Checks a file's type and size against Meta's limits; its kind.
pub fn check_file(mime_type: &str, size: u64) -> Result<MediaKind, MediaRefusal> {
    let kind =
        MediaKind::of(mime_type).ok_or_else(|| MediaRefusal::UnsupportedType { mime_type: essence(mime_type) })?;
    if size == 0 {
        return Err(MediaRefusal::Empty);
    }
    if size > kind.max_bytes() {
        return Err(MediaRefusal::TooLarge { kind, size });
    }
    Ok(kind)
}

/// Checks a file's reply buttons: Meta's limits, and a caption to carry
/// them (an interactive message needs a body).
pub fn check_buttons(file: &OutboundFile) -> Result<(), MediaRefusal> {
    if file.buttons.is_empty() {
        return Ok(());
    }
    super::reply_button::check_reply_buttons(&file.buttons)?;
    if file.caption.as_deref().is_none_or(|c| c.trim().is_empty()) || !file.kind.takes_caption() {
        return Err(super::reply_button::BadReplyButtons.into());
    }
    Ok(())
}

/// Checks what staff typed with a file: its caption and name.
pub fn check_labels(kind: MediaKind, caption: Option<&str>, filename: Option<&str>) -> Result<(), MediaRefusal> {
    if let Some(caption) = caption {
        if caption.chars().count() > MAX_CAPTION_CHARS || !kind.takes_caption() {
            return Err(MediaRefusal::BadCaption);
        }
    }
    if let Some(name) = filename {
        if name.trim().is_empty() || name.chars().count() > MAX_FILENAME_CHARS || name.chars().any(char::is_control) {
            return Err(MediaRefusal::BadFilename);
        }
    }
    Ok(())
}

/// A new object key for a file staff upload for `contact`: under the
/// contact's prefix, so that erasing the contact deletes it too; `nonce`
/// is random (no name or number in a key).
pub fn upload_key(contact: &ContactId, nonce: &str) -> String {
    format!("{}out-{nonce}", contact_media_prefix(contact))
}

/// Whether `key` is one of [`upload_key`]'s for `contact`.
pub fn is_upload_key(contact: &ContactId, key: &str) -> bool {
    key.strip_prefix(&contact_media_prefix(contact))
        .and_then(|rest| rest.strip_prefix("out-"))
        .is_some_and(|nonce| !nonce.is_empty() && nonce.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_to_metas_kinds_and_others_are_refused_by_name() {
        assert_eq!(MediaKind::of("application/pdf"), Some(MediaKind::Document));
        assert_eq!(MediaKind::of("audio/ogg; codecs=opus"), Some(MediaKind::Audio));
        assert_eq!(MediaKind::of("IMAGE/PNG"), Some(MediaKind::Image));
        assert_eq!(MediaKind::of("video/3gpp"), Some(MediaKind::Video));
        let refusal = check_file("image/gif", 10).unwrap_err();
        assert_eq!(refusal.code(), "media_type");
        assert!(refusal.to_string().contains("image/gif"));
        assert!(check_file("image/webp", 10).is_err(), "stickers are not sent from the composer");
    }

    #[test]
    fn each_kind_has_metas_size_limit_named_in_the_refusal() {
        assert_eq!(check_file("image/jpeg", 5 * MB), Ok(MediaKind::Image));
        let refusal = check_file("image/jpeg", 5 * MB + 1).unwrap_err();
        assert_eq!(refusal, MediaRefusal::TooLarge { kind: MediaKind::Image, size: 5 * MB + 1 });
        assert!(refusal.to_string().contains("at most 5 MB"), "{refusal}");
        assert!(check_file("application/pdf", 100 * MB).is_ok());
        assert!(check_file("application/pdf", 100 * MB + 1).unwrap_err().to_string().contains("100 MB"));
        assert!(check_file("audio/mpeg", 16 * MB + 1).unwrap_err().to_string().contains("16 MB"));
        assert!(check_file("video/mp4", 16 * MB + 1).is_err());
        assert_eq!(check_file("application/pdf", 0), Err(MediaRefusal::Empty));
    }

    #[test]
    fn captions_and_names_are_checked_like_meta_does() {
        assert!(check_labels(MediaKind::Document, Some("Our brochure"), Some("brochure.pdf")).is_ok());
        assert_eq!(check_labels(MediaKind::Audio, Some("listen"), None), Err(MediaRefusal::BadCaption));
        assert_eq!(check_labels(MediaKind::Image, Some(&"x".repeat(1025)), None), Err(MediaRefusal::BadCaption));
        assert_eq!(check_labels(MediaKind::Document, None, Some("a\nb.pdf")), Err(MediaRefusal::BadFilename));
    }

    #[test]
    fn upload_keys_live_under_the_contacts_prefix_only() {
        let ann = ContactId::parse("aaaaaaaaaaaaaaaaaaaaaaaa").unwrap();
        let bob = ContactId::parse("bbbbbbbbbbbbbbbbbbbbbbbb").unwrap();
        let key = upload_key(&ann, "0123abcd");
        assert!(key.starts_with(&contact_media_prefix(&ann)));
        assert!(is_upload_key(&ann, &key));
        assert!(!is_upload_key(&bob, &key));
        assert!(!is_upload_key(&ann, &format!("{}0123abcd", contact_media_prefix(&ann))), "an inbound copy's key");
        assert!(!is_upload_key(&ann, &format!("{}out-../x", contact_media_prefix(&ann))));
    }
}
