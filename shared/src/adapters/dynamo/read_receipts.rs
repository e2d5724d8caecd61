//! The last read receipt sent, on the contact item.

use super::failure::applied;
use super::item::{key, s};
use super::keys;
use super::DynamoStore;
use crate::domain::ContactId;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::ReceiptLog for DynamoStore {
    async fn note_read_receipt(&self, contact: &ContactId, wamid: &str) -> Result<(), StoreError> {
        let noted = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .update_expression("SET read_receipt_for = :wamid")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":wamid", s(wamid))
            .send()
            .await;
        // `false`: erased meanwhile, and there is nothing left to note it on.
        applied(noted).map(|_| ())
    }
}
