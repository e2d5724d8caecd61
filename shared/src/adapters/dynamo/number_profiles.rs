//! Number profiles: one item per number under `NUMBER_PROFILES` (a
//! deployment has a handful, read with one eventually consistent Query,
//! half a read unit, since routing reads them per customer message), each holding the profile
//! as JSON and its `updated_at`, which every save and removal is
//! conditioned on, so two admins' edits of one number cannot overwrite
//! each other unseen.

use super::item::{get_s, key, n, s};
use super::keys::NUMBER_PROFILES;
use super::{transact_checked, unavailable, DynamoStore};
use crate::domain::number_profile::NumberProfile;
use crate::domain::{AuditEntry, Millis};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};

#[async_trait::async_trait]
impl crate::ports::NumberProfileStore for DynamoStore {
    async fn number_profiles(&self) -> Result<Vec<NumberProfile>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(NUMBER_PROFILES))
            .send()
            .await
            .map_err(unavailable)?;
        out.items()
            .iter()
            .map(|item| {
                serde_json::from_str(&get_s(item, "profile").unwrap_or_default())
                    .map_err(|e| StoreError::Corrupt(format!("unreadable number profile: {e}")))
            })
            .collect()
    }

    async fn save_number_profile(
        &self,
        profile: &NumberProfile,
        expected: Option<Millis>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let json = serde_json::to_string(profile).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut item = key(NUMBER_PROFILES, &profile.phone_number_id);
        item.insert("profile".to_owned(), s(json));
        item.insert("updated_at".to_owned(), n(profile.updated_at.0));
        let put = Put::builder().table_name(&self.table).set_item(Some(item));
        let put = match expected {
            None => put.condition_expression("attribute_not_exists(pk)"),
            Some(at) => {
                put.condition_expression("updated_at = :expected").expression_attribute_values(":expected", n(at.0))
            }
        };
        let put = put.build().map_err(unavailable)?;
        transact_checked(&self.client, vec![TransactWriteItem::builder().put(put).build(), self.audit_put(audit)?])
            .await
    }

    async fn remove_number_profile(&self, id: &str, expected: Millis, audit: &AuditEntry) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(NUMBER_PROFILES, id)))
            .condition_expression("updated_at = :expected")
            .expression_attribute_values(":expected", n(expected.0))
            .build()
            .map_err(unavailable)?;
        transact_checked(
            &self.client,
            vec![TransactWriteItem::builder().delete(delete).build(), self.audit_put(audit)?],
        )
        .await
    }
}
