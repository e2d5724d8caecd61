//! Live-push connections: one item per socket under its id (what
//! `$disconnect` knows), in the owner index under its user and in the
//! status index under its role, collected by TTL when a disconnect is lost.

use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::live_connection::LiveConnection;
use crate::domain::{Millis, Role};
use crate::ports::StoreError;

impl DynamoStore {
    async fn live_connections_by(
        &self,
        index: &str,
        pk: &str,
        value: String,
    ) -> Result<Vec<LiveConnection>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", s(value));
        Ok(self.query_all(query).await?.iter().filter_map(connection).collect())
    }
}

fn connection(item: &Item) -> Option<LiveConnection> {
    Some(LiveConnection {
        id: get_s(item, "connection_id")?,
        email: get_s(item, "email")?,
        role: Role::parse(&get_s(item, "role")?)?,
        connected_at: Millis(get_n(item, "connected_ms")?),
        expires_at: Millis(get_n(item, "expires_ms")?),
    })
}

#[async_trait::async_trait]
impl crate::ports::LiveConnections for DynamoStore {
    async fn put_connection(&self, c: &LiveConnection) -> Result<(), StoreError> {
        let mut item = key(keys::live_connection_pk(&c.id), keys::LIVE_CONNECTION);
        item.extend([
            ("connection_id".to_owned(), s(&c.id)),
            ("email".to_owned(), s(&c.email)),
            ("role".to_owned(), s(c.role.as_str())),
            ("connected_ms".to_owned(), n(c.connected_at.0)),
            ("expires_ms".to_owned(), n(c.expires_at.0)),
            (keys::TTL.to_owned(), n(c.expires_at.0 / 1000)),
            ("gsi4pk".to_owned(), s(keys::live_connections_of(&c.email))),
            ("gsi4sk".to_owned(), s(&c.id)),
            ("gsi3pk".to_owned(), s(keys::live_connections_with_role(c.role))),
            ("gsi3sk".to_owned(), s(&c.id)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn delete_connection(&self, id: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::live_connection_pk(id), keys::LIVE_CONNECTION)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn connections_of(&self, email: &str) -> Result<Vec<LiveConnection>, StoreError> {
        self.live_connections_by(keys::GSI4, "gsi4pk", keys::live_connections_of(email)).await
    }

    async fn connections_with_role(&self, role: Role) -> Result<Vec<LiveConnection>, StoreError> {
        self.live_connections_by(keys::GSI3, "gsi3pk", keys::live_connections_with_role(role)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_without_its_fields_is_no_connection() {
        let mut item = key("L#c", "L");
        assert_eq!(connection(&item), None);
        item.extend([
            ("connection_id".to_owned(), s("c")),
            ("email".to_owned(), s("a@x")),
            ("role".to_owned(), s("agent")),
            ("connected_ms".to_owned(), n(1)),
            ("expires_ms".to_owned(), n(2)),
        ]);
        assert_eq!(connection(&item).map(|c| c.role), Some(Role::Agent));
    }
}
