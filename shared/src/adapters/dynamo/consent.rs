//! Marketing opt-outs, kept on the contact's profile.

use super::item::key;
use super::keys;
use super::{transact_checked, unavailable, DynamoStore};
use crate::domain::{AuditEntry, ContactId};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

#[async_trait::async_trait]
impl crate::ports::ConsentStore for DynamoStore {
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .update_expression("SET opted_out = :o")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":o", AttributeValue::Bool(opted_out))
            .build()
            .map_err(unavailable)?;
        transact_checked(
            &self.client,
            vec![TransactWriteItem::builder().update(update).build(), self.audit_put(audit)?],
        )
        .await
    }
}
