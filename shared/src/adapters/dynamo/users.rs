//! Staff accounts: one item each, and the team list on `gsi1`.

use super::item::{get_s, key, req_s, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::UserPatch;
use crate::domain::{Role, User};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;

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

#[async_trait::async_trait]
impl crate::ports::UserStore for DynamoStore {
    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :u")
            .expression_attribute_values(":u", s(keys::USERS))
            .send()
            .await
            .map_err(unavailable)?;
        out.items().iter().map(user_from).collect()
    }

    async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError> {
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
            return crate::ports::UserStore::user(self, email).await;
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

    async fn set_password(&self, email: &str, password_hash: &str) -> Result<(), StoreError> {
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
}
