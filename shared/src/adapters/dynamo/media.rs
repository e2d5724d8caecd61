//! The media copy state, kept on the message item itself: `media_status`
//! (written `pending` with the message, in the webhook's one transaction),
//! then `media_key`, `media_size`, `media_sha256`, `media_mime` once stored,
//! or `media_reason` once failed. Settling is one conditional update, so a
//! redelivered copy never changes a settled message.

use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::{is_condition_failure, unavailable, DynamoStore};
use crate::domain::media_copy::{MediaCopy, MediaFailure, MediaFile, MediaStatus, StoredMedia};
use crate::domain::outbound::OutboundContent;
use crate::domain::{MessageContent, MessageRef};
use crate::ports::{MediaMessage, MediaRecords, StoreError};

/// The attribute `pending` is written to with the message.
pub(super) const MEDIA_STATUS: &str = "media_status";

/// The copy state on a message item, if it has one.
pub(super) fn media_copy_from(item: &Item) -> Option<MediaCopy> {
    let status = MediaStatus::parse(&get_s(item, MEDIA_STATUS)?)?;
    Some(match status {
        MediaStatus::Pending => MediaCopy::pending(),
        MediaStatus::Failed => MediaCopy::failed(
            get_s(item, "media_reason").and_then(|r| MediaFailure::parse(&r)).unwrap_or(MediaFailure::Unavailable),
        ),
        MediaStatus::Stored => MediaCopy::stored(StoredMedia {
            key: get_s(item, "media_key")?,
            size: get_n(item, "media_size").and_then(|n| u64::try_from(n).ok()).unwrap_or_default(),
            sha256: get_s(item, "media_sha256").unwrap_or_default(),
            mime_type: get_s(item, "media_mime").unwrap_or_default(),
        }),
    })
}

/// The attributes of a message staff sent with a file: its content as
/// the timeline reads it, and the file `stored` already (staff uploaded it
/// to the bucket before sending), so it is shown and linked like an
/// inbound copy and erased with the contact's prefix.
pub(super) fn sent_file_attributes(
    content: &OutboundContent,
) -> Result<Vec<(String, aws_sdk_dynamodb::types::AttributeValue)>, StoreError> {
    let OutboundContent::Media { file } = content else { return Ok(Vec::new()) };
    let shown = serde_json::to_string(&file.as_message_content()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let size = i64::try_from(file.size).map_err(|_| StoreError::Rejected("media size".into()))?;
    Ok(vec![
        ("content".to_owned(), s(shown)),
        (MEDIA_STATUS.to_owned(), s(MediaStatus::Stored.as_str())),
        ("media_key".to_owned(), s(&file.key)),
        ("media_size".to_owned(), n(size)),
        ("media_mime".to_owned(), s(&file.mime_type)),
    ])
}

impl DynamoStore {
    /// Settles a pending copy with `sets`; `false` when it was settled already
    /// (or the message is gone).
    async fn settle_media(
        &self,
        message: &MessageRef,
        sets: &str,
        values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)>,
    ) -> Result<bool, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(&message.contact), keys::referenced_sk(message))))
            .update_expression(format!("SET {sets}"))
            .condition_expression("media_status = :pending")
            .expression_attribute_values(":pending", s(MediaStatus::Pending.as_str()));
        for (name, value) in values {
            request = request.expression_attribute_values(name, value);
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait::async_trait]
impl MediaRecords for DynamoStore {
    async fn media_message(&self, message: &MessageRef) -> Result<Option<MediaMessage>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(&message.contact), keys::referenced_sk(message))))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item() else { return Ok(None) };
        let content = get_s(item, "content").and_then(|c| serde_json::from_str::<MessageContent>(&c).ok());
        let (Some(file), Some(copy)) = (content.as_ref().and_then(MediaFile::of), media_copy_from(item)) else {
            return Ok(None);
        };
        let Some(message_id) = get_s(item, "id") else { return Ok(None) };
        let business_number = get_s(item, "phone_number_id").unwrap_or_default();
        Ok(Some(MediaMessage { message_id, business_number, file, copy }))
    }

    async fn media_stored(&self, message: &MessageRef, stored: &StoredMedia) -> Result<bool, StoreError> {
        let size = i64::try_from(stored.size).map_err(|_| StoreError::Rejected("media size".into()))?;
        self.settle_media(
            message,
            "media_status = :stored, media_key = :key, media_size = :size, media_sha256 = :sha, media_mime = :mime",
            vec![
                (":stored", s(MediaStatus::Stored.as_str())),
                (":key", s(&stored.key)),
                (":size", n(size)),
                (":sha", s(&stored.sha256)),
                (":mime", s(&stored.mime_type)),
            ],
        )
        .await
    }

    async fn media_failed(&self, message: &MessageRef, failure: MediaFailure) -> Result<bool, StoreError> {
        self.settle_media(
            message,
            "media_status = :failed, media_reason = :reason",
            vec![(":failed", s(MediaStatus::Failed.as_str())), (":reason", s(failure.reason()))],
        )
        .await
    }
}
