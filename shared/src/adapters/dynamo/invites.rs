//! One-time invitations, under the hash of their token.

use super::item::{get_s, key, n, s};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::Millis;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::InviteStore for DynamoStore {
    async fn put_invite(&self, token_hash: &str, email: &str, expires_at: Millis) -> Result<(), StoreError> {
        let mut item = key(keys::invite_pk(token_hash), "INV");
        item.extend([
            ("email".to_owned(), s(email)),
            ("expires_ms".to_owned(), n(expires_at.0)),
            (keys::TTL.to_owned(), n(expires_at.0 / 1000)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn take_invite(&self, token_hash: &str, now: Millis) -> Result<Option<String>, StoreError> {
        // Deleting with a condition makes an invitation single-use even when
        // two browsers accept it at once.
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invite_pk(token_hash), "INV")))
            .condition_expression("attribute_exists(pk) AND expires_ms > :now")
            .expression_attribute_values(":now", n(now.0))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await;
        match out {
            Ok(out) => Ok(out.attributes().and_then(|a| get_s(a, "email"))),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }
}
