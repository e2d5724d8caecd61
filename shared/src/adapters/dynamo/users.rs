//! Staff and sessions.

use super::item::{get_n, get_s, key, n, req_s, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::{Millis, Role, User};
use crate::ports::{Session, StoreError};
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

fn user_from(item: &Item) -> Result<User, StoreError> {
    Ok(User {
        email: req_s(item, "email")?,
        name: get_s(item, "name").unwrap_or_default(),
        role: get_s(item, "role")
            .and_then(|r| Role::parse(&r))
            .ok_or_else(|| StoreError::Corrupt("user role".into()))?,
        password_hash: req_s(item, "password_hash")?,
        active: item.get("active").and_then(|v| v.as_bool().ok()).copied().unwrap_or(false),
    })
}
