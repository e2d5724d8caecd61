//! Sign-in attempt counters: one item per counter and window, added to
//! atomically, collected by TTL after the window.

use super::item::{get_n, key, n};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::login_throttle::{AttemptCounts, LoginAttempt};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::ReturnValue;

/// Counters outlive their window by this much, then TTL collects them.
const COUNTER_GRACE_SECONDS: i64 = 3600;

impl DynamoStore {
    async fn add_to_counter(&self, pk: &str, attempt: &LoginAttempt, by: i64) -> Result<u64, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, keys::login_window_sk(attempt.window_start))))
            .update_expression("ADD attempts :by SET expires_at = :ttl")
            .expression_attribute_values(":by", n(by))
            .expression_attribute_values(":ttl", n(attempt.window_end.0 / 1000 + COUNTER_GRACE_SECONDS))
            .return_values(ReturnValue::UpdatedNew);
        if by < 0 {
            // Never create a counter just to take from it.
            request = request.condition_expression("attribute_exists(pk)");
        }
        match request.send().await {
            Ok(out) => Ok(out.attributes().and_then(|a| get_n(a, "attempts")).map_or(0, |v| v.max(0).unsigned_abs())),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(0),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait::async_trait]
impl crate::ports::LoginThrottle for DynamoStore {
    async fn count_login_attempt(&self, attempt: &LoginAttempt) -> Result<AttemptCounts, StoreError> {
        let source = attempt.source.as_str();
        // Three independent atomic ADDs, in parallel: each answers the count
        // including this attempt, so concurrent guesses get distinct counts.
        let keys = [
            keys::login_email_from_source_pk(source, &attempt.email),
            keys::login_source_pk(source),
            keys::login_email_pk(&attempt.email),
        ];
        let (email_from_source, source, email) = tokio::try_join!(
            self.add_to_counter(&keys[0], attempt, 1),
            self.add_to_counter(&keys[1], attempt, 1),
            self.add_to_counter(&keys[2], attempt, 1),
        )?;
        Ok(AttemptCounts { email_from_source, source, email })
    }

    async fn forgive_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError> {
        let source = attempt.source.as_str();
        let forget = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(
                keys::login_email_from_source_pk(source, &attempt.email),
                keys::login_window_sk(attempt.window_start),
            )))
            .send();
        let source_pk = keys::login_source_pk(source);
        let (forgotten, refunded) = tokio::join!(forget, self.add_to_counter(&source_pk, attempt, -1));
        forgotten.map_err(unavailable)?;
        refunded.map(|_| ())
    }
}
