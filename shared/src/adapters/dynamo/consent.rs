//! Marketing opt-outs, kept on the contact's profile.

use super::item::key;
use super::keys;
use super::{is_condition_failure, unavailable, DynamoStore};
use crate::domain::ContactId;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;

#[async_trait::async_trait]
impl crate::ports::ConsentStore for DynamoStore {
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .update_expression("SET opted_out = :o")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":o", AttributeValue::Bool(opted_out))
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}
