//! Staff and sessions.

use super::item::{get_n, get_s, key, n, req_s, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::{Millis, Role, User};
use crate::ports::{Session, StoreError, UserPatch};
use aws_sdk_dynamodb::types::AttributeValue;

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
        let mut item = key(keys::user_pk(&user.email), keys::USER);
        item.extend([
            ("email".to_owned(), s(&user.email)),
            ("name".to_owned(), s(&user.name)),
            ("role".to_owned(), s(user.role.as_str())),
            ("password_hash".to_owned(), s(&user.password_hash)),
            ("active".to_owned(), AttributeValue::Bool(user.active)),
            ("available".to_owned(), AttributeValue::Bool(user.available)),
            (keys::GSI1_PK.to_owned(), s(keys::USERS)),
            (keys::GSI1_SK.to_owned(), s(&user.email)),
        ]);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
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
}

pub(super) fn user_from(item: &Item) -> Result<User, StoreError> {
    Ok(User {
        email: req_s(item, "email")?,
        name: get_s(item, "name").unwrap_or_default(),
        role: get_s(item, "role")
            .and_then(|r| Role::parse(&r))
            .ok_or_else(|| StoreError::Corrupt("user role".into()))?,
        password_hash: req_s(item, "password_hash")?,
        active: item.get("active").and_then(|v| v.as_bool().ok()).copied().unwrap_or(false),
        available: item.get("available").and_then(|v| v.as_bool().ok()).copied().unwrap_or(true),
    })
}

impl DynamoStore {
    pub(super) async fn query_users(&self) -> Result<Vec<User>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :u")
            .expression_attribute_values(":u", s(keys::USERS));
        self.query_all(query).await?.iter().map(user_from).collect()
    }

    pub(super) async fn patch_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError> {
        let mut sets = Vec::new();
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
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression("attribute_exists(pk)")
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => out.attributes().map(user_from).transpose(),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub(super) async fn put_password(&self, email: &str, password_hash: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::user_pk(email), keys::USER)))
            .update_expression("SET password_hash = :h, active = :t")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":h", s(password_hash))
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn store_invite(
        &self,
        token_hash: &str,
        email: &str,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        let mut item = key(keys::invite_pk(token_hash), "INV");
        item.extend([
            ("email".to_owned(), s(email)),
            ("expires_ms".to_owned(), n(expires_at.0)),
            (keys::TTL.to_owned(), n(expires_at.0 / 1000)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn use_invite(&self, token_hash: &str, now: Millis) -> Result<Option<String>, StoreError> {
        // Deleting with a condition makes an invitation single-use even when
        // two browsers accept it at once.
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invite_pk(token_hash), "INV")))
            .condition_expression("attribute_exists(pk) AND expires_ms > :now")
            .expression_attribute_values(":now", n(now.0))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await;
        match out {
            Ok(out) => Ok(out.attributes().and_then(|a| get_s(a, "email"))),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub(super) async fn get_login_failures(&self, email: &str) -> Result<(u32, Millis), StoreError> {
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

    pub(super) async fn add_login_failure(&self, email: &str, now: Millis, window_ms: i64) -> Result<(), StoreError> {
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

    pub(super) async fn reset_login_failures(&self, email: &str) -> Result<(), StoreError> {
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
