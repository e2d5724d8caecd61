//! Invitation and reset links, under the hash of their token. The link's
//! own item says whose it is and until when; the user's item names its one
//! current link (`invite_hash`), so replacing, revoking or deactivating
//! kills a link by changing the user alone.

use super::item::{get_n, key, n, req_s, s};
use super::keys;
use super::users::user_item;
use super::{transact_checked, transact_checked_all, unavailable, DynamoStore};
use crate::domain::{AuditEntry, Invite, Millis, User};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use std::collections::HashMap;

impl DynamoStore {
    fn invite_put(&self, invite: &Invite) -> Result<TransactWriteItem, StoreError> {
        let mut item = key(keys::invite_pk(&invite.token_hash), keys::INVITE);
        item.extend([
            ("email".to_owned(), s(&invite.email)),
            ("expires_ms".to_owned(), n(invite.expires_at.0)),
            (keys::TTL.to_owned(), n(invite.expires_at.0 / 1000)),
        ]);
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

#[async_trait::async_trait]
impl crate::ports::InviteStore for DynamoStore {
    async fn invite_user(&self, user: &User, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError> {
        // A pending invitee's item is replaced whole: the new role and name
        // win, and the old link stops matching `invite_hash`.
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(user_item(user, Some(&invite.token_hash))))
            .condition_expression("attribute_not_exists(pk) OR invited = :t")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()
            .map_err(unavailable)?;
        transact_checked(
            &self.client,
            vec![TransactWriteItem::builder().put(put).build(), self.invite_put(invite)?, self.audit_put(audit)?],
        )
        .await
    }

    async fn issue_link(&self, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(&invite.email), keys::USER)))
            .update_expression("SET invite_hash = :h")
            .condition_expression("attribute_exists(pk) AND (active = :t OR invited = :t)")
            .expression_attribute_values(":h", s(&invite.token_hash))
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()
            .map_err(unavailable)?;
        transact_checked(
            &self.client,
            vec![TransactWriteItem::builder().update(update).build(), self.invite_put(invite)?, self.audit_put(audit)?],
        )
        .await
    }

    async fn revoke_link(&self, email: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        // The link's own item stays until its TTL: without the user's
        // matching `invite_hash` it cannot be accepted.
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(email), keys::USER)))
            .update_expression("REMOVE invite_hash")
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        transact_checked(
            &self.client,
            vec![TransactWriteItem::builder().update(update).build(), self.audit_put(audit)?],
        )
        .await
    }

    async fn invite(&self, token_hash: &str, now: Millis) -> Result<Option<Invite>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invite_pk(token_hash), keys::INVITE)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item() else { return Ok(None) };
        let expires_at = Millis(get_n(item, "expires_ms").unwrap_or(0));
        if expires_at <= now {
            return Ok(None);
        }
        Ok(Some(Invite { token_hash: token_hash.to_owned(), email: req_s(item, "email")?, expires_at }))
    }

    async fn accept_invite(
        &self,
        invite: &Invite,
        password_hash: &str,
        name: Option<&str>,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        // One transaction: the link is used up only if the password is set,
        // and only while it is the user's current link (a deactivation, a
        // revocation or a newer link removed or replaced `invite_hash`).
        let named = if name.is_some() { ", #name = :name" } else { "" };
        let user = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(&invite.email), keys::USER)))
            .update_expression(format!(
                "SET password_hash = :p, active = :t, password_changed_ms = :at{named} REMOVE invite_hash, invited"
            ))
            .condition_expression("invite_hash = :h")
            .set_expression_attribute_names(name.map(|_| HashMap::from([("#name".to_owned(), "name".to_owned())])))
            .set_expression_attribute_values(name.map(|n| HashMap::from([(":name".to_owned(), s(n))])))
            .expression_attribute_values(":p", s(password_hash))
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .expression_attribute_values(":at", n(at.0))
            .expression_attribute_values(":h", s(&invite.token_hash))
            .build()
            .map_err(unavailable)?;
        let link = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::invite_pk(&invite.token_hash), keys::INVITE)))
            .condition_expression("attribute_exists(pk) AND expires_ms > :at")
            .expression_attribute_values(":at", n(at.0))
            .build()
            .map_err(unavailable)?;
        transact_checked_all(
            &self.client,
            vec![
                TransactWriteItem::builder().update(user).build(),
                TransactWriteItem::builder().delete(link).build(),
                self.audit_put(audit)?,
            ],
        )
        .await
    }
}
