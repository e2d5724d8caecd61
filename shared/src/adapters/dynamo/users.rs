//! Staff, sessions, invitation and reset links, and login counters.

use super::item::{get_n, get_s, key, n, req_s, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::login_throttle::{AttemptCounts, LoginAttempt};
use crate::domain::{Millis, Role, User};
use crate::ports::{AuditEntry, Invite, Session, StoreError, UserPatch};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, TransactWriteItem, Update};

/// Counters outlive their window by this much, then TTL collects them.
const COUNTER_GRACE_SECONDS: i64 = 3600;

impl DynamoStore {
    pub(super) async fn get_user(&self, email: &str) -> Result<Option<User>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(email), keys::USER)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(user_from).transpose()
    }

    pub(super) async fn put_user_if_absent(&self, user: &User) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(user_item(user, None)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub(super) async fn put_session_item(&self, session: &Session) -> Result<(), StoreError> {
        let mut item = key(keys::session_pk(&session.token_hash), keys::SESSION);
        item.extend([
            ("email".to_owned(), s(&session.email)),
            ("role".to_owned(), s(session.role.as_str())),
            ("issued_ms".to_owned(), n(session.issued_at.0)),
            ("expires_ms".to_owned(), n(session.expires_at.0)),
            // TTL is in seconds; it only collects garbage, expiry is checked on read.
            (keys::TTL.to_owned(), n(session.expires_at.0 / 1000)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn get_session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::session_pk(token_hash), keys::SESSION)))
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item() else { return Ok(None) };
        Ok(Some(Session {
            token_hash: token_hash.to_owned(),
            email: req_s(item, "email")?,
            role: get_s(item, "role")
                .and_then(|r| Role::parse(&r))
                .ok_or_else(|| StoreError::Corrupt("session role".into()))?,
            // Sessions from before issue times were recorded count as issued
            // at the epoch: the next password change ends them.
            issued_at: Millis(get_n(item, "issued_ms").unwrap_or(0)),
            expires_at: Millis(get_n(item, "expires_ms").unwrap_or(0)),
        }))
    }

    pub(super) async fn remove_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::session_pk(token_hash), keys::SESSION)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn query_users(&self) -> Result<Vec<User>, StoreError> {
        let mut users = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("gsi1pk = :u")
                .expression_attribute_values(":u", s(keys::USERS))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in out.items() {
                users.push(user_from(item)?);
            }
            match out.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return Ok(users),
            }
        }
    }

    pub(super) async fn patch_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError> {
        let mut sets = Vec::new();
        let mut removes = "";
        let mut request =
            self.client.update_item().table_name(&self.table).set_key(Some(key(keys::user_pk(email), keys::USER)));
        if let Some(role) = patch.role {
            sets.push("#role = :role");
            request = request
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":role", s(role.as_str()));
        }
        if let Some(active) = patch.active {
            sets.push("active = :active");
            request = request.expression_attribute_values(":active", AttributeValue::Bool(active));
            if !active {
                // A deactivated user's invitation or reset link dies with it,
                // and they are no longer a pending invitee.
                removes = " REMOVE invite_hash, invited";
            }
        }
        if let Some(available) = patch.available {
            sets.push("available = :available");
            request = request.expression_attribute_values(":available", AttributeValue::Bool(available));
        }
        if let Some(name) = &patch.name {
            sets.push("#name = :name");
            request = request.expression_attribute_names("#name", "name").expression_attribute_values(":name", s(name));
        }
        if sets.is_empty() {
            return self.get_user(email).await;
        }
        let out = request
            .update_expression(format!("SET {}{removes}", sets.join(", ")))
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => out.attributes().map(user_from).transpose(),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub(super) async fn put_invited_user(
        &self,
        user: &User,
        invite: &Invite,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        // A pending invitee's item is replaced whole: the new role and name
        // win, and the old link stops matching `invite_hash`.
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(user_item(user, Some(&invite.token_hash))))
            .condition_expression("attribute_not_exists(pk) OR invited = :t")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()
            .map_err(unavailable)?;
        self.transact_if(vec![
            TransactWriteItem::builder().put(put).build(),
            self.invite_put(invite)?,
            self.audit_put(audit)?,
        ])
        .await
    }

    pub(super) async fn set_invite_link(&self, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(&invite.email), keys::USER)))
            .update_expression("SET invite_hash = :h")
            .condition_expression("attribute_exists(pk) AND (active = :t OR invited = :t)")
            .expression_attribute_values(":h", s(&invite.token_hash))
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()
            .map_err(unavailable)?;
        self.transact_if(vec![
            TransactWriteItem::builder().update(update).build(),
            self.invite_put(invite)?,
            self.audit_put(audit)?,
        ])
        .await
    }

    pub(super) async fn remove_invite_link(&self, email: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        // The link's own item stays until its TTL: without the user's
        // matching `invite_hash` it cannot be accepted.
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(email), keys::USER)))
            .update_expression("REMOVE invite_hash")
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        self.transact_if(vec![TransactWriteItem::builder().update(update).build(), self.audit_put(audit)?]).await
    }

    pub(super) async fn get_invite(&self, token_hash: &str, now: Millis) -> Result<Option<Invite>, StoreError> {
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

    pub(super) async fn use_invite(
        &self,
        invite: &Invite,
        password_hash: &str,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        // One transaction: the link is used up only if the password is set,
        // and only while it is the user's current link (a deactivation, a
        // revocation or a newer link removed or replaced `invite_hash`).
        let user = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(&invite.email), keys::USER)))
            .update_expression(
                "SET password_hash = :p, active = :t, password_changed_ms = :at REMOVE invite_hash, invited",
            )
            .condition_expression("invite_hash = :h")
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
        self.transact_if(vec![
            TransactWriteItem::builder().update(user).build(),
            TransactWriteItem::builder().delete(link).build(),
            self.audit_put(audit)?,
        ])
        .await
    }

    pub(super) async fn put_new_password(
        &self,
        email: &str,
        password_hash: &str,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let user = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(email), keys::USER)))
            .update_expression("SET password_hash = :p, password_changed_ms = :at REMOVE invite_hash")
            .condition_expression("attribute_exists(pk) AND active = :t")
            .expression_attribute_values(":p", s(password_hash))
            .expression_attribute_values(":at", n(at.0))
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()
            .map_err(unavailable)?;
        self.transact_if(vec![TransactWriteItem::builder().update(user).build(), self.audit_put(audit)?]).await
    }

    pub(super) async fn add_login_attempt(&self, attempt: &LoginAttempt) -> Result<AttemptCounts, StoreError> {
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

    pub(super) async fn settle_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError> {
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

    /// Runs a transaction; `false` when any of its conditions failed (the
    /// caller's checks), an error for anything else.
    async fn transact_if(&self, items: Vec<TransactWriteItem>) -> Result<bool, StoreError> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(true),
            Err(err) => match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e))
                    if e.cancellation_reasons().iter().any(|r| r.code() == Some("ConditionalCheckFailed")) =>
                {
                    Ok(false)
                }
                _ => Err(unavailable(err)),
            },
        }
    }
}

fn user_item(user: &User, invite_hash: Option<&str>) -> Item {
    let mut item = key(keys::user_pk(&user.email), keys::USER);
    item.extend([
        ("email".to_owned(), s(&user.email)),
        ("name".to_owned(), s(&user.name)),
        ("role".to_owned(), s(user.role.as_str())),
        ("password_hash".to_owned(), s(&user.password_hash)),
        ("active".to_owned(), AttributeValue::Bool(user.active)),
        ("available".to_owned(), AttributeValue::Bool(user.available)),
        ("invited".to_owned(), AttributeValue::Bool(user.invited)),
        ("password_changed_ms".to_owned(), n(user.password_changed_at.0)),
        (keys::GSI1_PK.to_owned(), s(keys::USERS)),
        (keys::GSI1_SK.to_owned(), s(&user.email)),
    ]);
    if let Some(hash) = invite_hash {
        item.insert("invite_hash".to_owned(), s(hash));
    }
    item
}

pub(super) fn user_from(item: &Item) -> Result<User, StoreError> {
    let flag = |name: &str| item.get(name).and_then(|v| v.as_bool().ok()).copied();
    Ok(User {
        email: req_s(item, "email")?,
        name: get_s(item, "name").unwrap_or_default(),
        role: get_s(item, "role")
            .and_then(|r| Role::parse(&r))
            .ok_or_else(|| StoreError::Corrupt("user role".into()))?,
        password_hash: req_s(item, "password_hash")?,
        active: flag("active").unwrap_or(false),
        available: flag("available").unwrap_or(true),
        invited: flag("invited").unwrap_or(false),
        password_changed_at: Millis(get_n(item, "password_changed_ms").unwrap_or(0)),
    })
}
