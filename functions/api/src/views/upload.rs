//! Where the browser puts a file staff attach.

use parley::app::media_upload::PreparedUpload;
use schemars::JsonSchema;
use serde::Serialize;

/// A presigned PUT: the browser sends the file's bytes to `url` with
/// `Content-Type: mime_type` within `expires_in` seconds, then sends the
/// message with `key`. `kind` is what WhatsApp will show it as.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Upload")]
pub struct UploadView {
    key: String,
    url: String,
    mime_type: String,
    #[schemars(extend("enum" = ["image", "document", "audio", "video"]))]
    kind: &'static str,
    expires_in: u64,
}

impl From<PreparedUpload> for UploadView {
    fn from(p: PreparedUpload) -> Self {
        UploadView { key: p.key, url: p.url, mime_type: p.mime_type, kind: p.kind.as_str(), expires_in: p.expires_in }
    }
}
