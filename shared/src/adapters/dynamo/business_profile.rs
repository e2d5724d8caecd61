//! The business profile: one item (`BUSINESS`/`BUSINESS`), saved with its
//! audit line in one transaction.

use super::item::{get_s, key, s};
use super::keys::BUSINESS_PROFILE;
use super::{unavailable, DynamoStore};
use crate::domain::{AuditEntry, BusinessProfile};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

/// A switch as saved, or its default for profiles saved before it existed.
fn switch(item: &super::item::Item, name: &str, default: bool) -> bool {
    super::item::get_bool(item, name).unwrap_or(default)
}

#[async_trait::async_trait]
impl crate::ports::BusinessProfileStore for DynamoStore {
    async fn business_profile(&self) -> Result<Option<BusinessProfile>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(BUSINESS_PROFILE, BUSINESS_PROFILE)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().map(|item| {
            let defaults = BusinessProfile::default();
            BusinessProfile {
                name: get_s(item, "name").unwrap_or(defaults.name),
                country: get_s(item, "country").unwrap_or(defaults.country),
                currency: get_s(item, "currency").unwrap_or(defaults.currency),
                time_zone: get_s(item, "time_zone").unwrap_or(defaults.time_zone),
                phone_number_id: get_s(item, "phone_number_id"),
                state: get_s(item, "state"),
                tax_id: get_s(item, "tax_id"),
                address: get_s(item, "address").unwrap_or_default(),
                read_receipts: switch(item, "read_receipts", defaults.read_receipts),
                typing_indicator: switch(item, "typing_indicator", defaults.typing_indicator),
            }
        }))
    }

    async fn save_business_profile(&self, profile: &BusinessProfile, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = key(BUSINESS_PROFILE, BUSINESS_PROFILE);
        item.extend([
            ("name".to_owned(), s(&profile.name)),
            ("country".to_owned(), s(&profile.country)),
            ("currency".to_owned(), s(&profile.currency)),
            ("time_zone".to_owned(), s(&profile.time_zone)),
            ("read_receipts".to_owned(), AttributeValue::Bool(profile.read_receipts)),
            ("typing_indicator".to_owned(), AttributeValue::Bool(profile.typing_indicator)),
        ]);
        let optional = [
            ("phone_number_id", profile.phone_number_id.as_deref()),
            ("state", profile.state.as_deref()),
            ("tax_id", profile.tax_id.as_deref()),
            ("address", Some(profile.address.as_str()).filter(|a| !a.is_empty())),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                item.insert(name.to_owned(), s(value));
            }
        }
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        self.write_audited(TransactWriteItem::builder().put(put).build(), audit).await?;
        self.calendar.remember(Some(profile));
        Ok(())
    }
}
