//! Failed sign-in counters, one item per e-mail.

use super::item::{get_n, key, n};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::Millis;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::LoginThrottle for DynamoStore {
    async fn login_failures(&self, email: &str) -> Result<(u32, Millis), StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::throttle_pk(email), "LT")))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().map_or((0, Millis(0)), |i| {
            (
                u32::try_from(get_n(i, "failures").unwrap_or(0)).unwrap_or(u32::MAX),
                Millis(get_n(i, "window_start").unwrap_or(0)),
            )
        }))
    }

    async fn record_login_failure(&self, email: &str, now: Millis, window_ms: i64) -> Result<(), StoreError> {
        let table_key = key(keys::throttle_pk(email), "LT");
        let expires = n((now.0 + window_ms) / 1000);
        // Within the window: count up. Otherwise: a new window with one failure.
        let counted = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(table_key.clone()))
            .update_expression("ADD failures :one SET expires_at = :exp")
            .condition_expression("window_start > :since")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", expires.clone())
            .expression_attribute_values(":since", n(now.0 - window_ms))
            .send()
            .await;
        match counted {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(table_key))
                    .update_expression("SET failures = :one, window_start = :now, expires_at = :exp")
                    .expression_attribute_values(":one", n(1))
                    .expression_attribute_values(":now", n(now.0))
                    .expression_attribute_values(":exp", expires)
                    .send()
                    .await
                    .map_err(unavailable)?;
                Ok(())
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::throttle_pk(email), "LT")))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
