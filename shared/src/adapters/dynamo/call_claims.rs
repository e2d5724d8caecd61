//! Who answered a customer's call: one conditional write on the contact's
//! profile (the ringing attributes `inbound.rs` sets), with its
//! `call.answered` event in the same transaction, so that two teammates
//! pressing Answer at once cannot both reach Meta.

use super::failure::cancellation;
use super::item::{get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::ringing_call::CallClaim;
use crate::domain::{ContactId, Millis};
use crate::ports::{CallClaims, StoreError};
use aws_sdk_dynamodb::types::{Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use std::collections::HashMap;

/// Why a claim was refused, from the profile as it stood: someone else
/// has this very call, or it no longer rings.
fn refusal(profile: Option<&Item>, call_id: &str) -> CallClaim {
    let same_call = profile.and_then(|p| get_s(p, "ringing_call")).as_deref() == Some(call_id);
    match profile.and_then(|p| get_s(p, "ringing_by")) {
        Some(by) if same_call => CallClaim::Taken { by },
        _ => CallClaim::Over,
    }
}

#[async_trait::async_trait]
impl CallClaims for DynamoStore {
    async fn claim_call(
        &self,
        contact: &ContactId,
        call_id: &str,
        by: &str,
        at: Millis,
        rang_after: Millis,
    ) -> Result<CallClaim, StoreError> {
        let values = HashMap::from([
            (":call".to_owned(), s(call_id)),
            (":by".to_owned(), s(by)),
            (":after".to_owned(), n(rang_after.0)),
        ]);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .update_expression("SET ringing_by = :by")
            .condition_expression(
                "ringing_call = :call AND ringing_since > :after AND attribute_not_exists(ringing_by) AND attribute_not_exists(erasing)",
            )
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(unavailable)?;
        let event = crate::domain::change_event::call_answered(contact, call_id, by, at);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(super::event_item::event_item(&event).into_item()))
            .build()
            .map_err(unavailable)?;
        let items =
            vec![TransactWriteItem::builder().update(update).build(), TransactWriteItem::builder().put(put).build()];
        let outcome = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
        let Some(reasons) = cancellation(outcome)? else { return Ok(CallClaim::Claimed) };
        match reasons.first() {
            Some(reason) if reason.code() == Some("ConditionalCheckFailed") => Ok(refusal(reason.item(), call_id)),
            _ => Err(StoreError::Unavailable(format!("claiming call {call_id} conflicted; try again"))),
        }
    }

    async fn release_call(&self, contact: &ContactId, call_id: &str, by: &str) -> Result<(), StoreError> {
        let values = HashMap::from([(":call".to_owned(), s(call_id)), (":by".to_owned(), s(by))]);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .update_expression("REMOVE ringing_by")
            .condition_expression("ringing_call = :call AND ringing_by = :by")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        // Not applied: the call ended or moved on meanwhile, which is what
        // releasing wanted anyway.
        super::failure::applied(result).map(|_| ())
    }
}
