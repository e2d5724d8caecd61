//! Staff accounts: one item each, and the team list on `gsi1`. A user's
//! item also holds `invite_hash`, the hash of their one outstanding
//! invitation or reset link (see `invites.rs`).

use super::item::{get_bool, get_n, get_s, key, n, req_s, s, Item};
use super::keys;
use super::{transact_checked, unavailable, DynamoStore};
use crate::domain::{AuditEntry, Millis, Role, User, UserPatch};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};

pub(super) fn user_item(user: &User, invite_hash: Option<&str>) -> Item {
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
    let flag = |name: &str| get_bool(item, name);
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

#[async_trait::async_trait]
impl crate::ports::UserStore for DynamoStore {
    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :u")
            .expression_attribute_values(":u", s(keys::USERS));
        self.query_all(query).await?.iter().map(user_from).collect()
    }

    async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError> {
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
            return crate::ports::UserStore::user(self, email).await;
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

    async fn change_password(
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
        transact_checked(&self.client, vec![TransactWriteItem::builder().update(user).build(), self.audit_put(audit)?])
            .await
    }

    async fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
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

    async fn create_user(&self, user: &User) -> Result<bool, StoreError> {
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
}
