//! Sessions, under the hash of their token, expired by TTL.

use super::item::{get_n, get_s, key, n, req_s, s};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::{Millis, Role, Session};
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::SessionStore for DynamoStore {
    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
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

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
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

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
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
