//! The template catalog: one partition, one item per name and language.

use super::item::{key, req_s, s};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::template::Template;
use crate::ports::StoreError;

impl DynamoStore {
    pub(super) async fn query_templates(&self, prefix: Option<&str>) -> Result<Vec<Template>, StoreError> {
        let mut query =
            self.client.query().table_name(&self.table).expression_attribute_values(":pk", s(keys::TEMPLATES));
        query = match prefix {
            Some(name) => query
                .key_condition_expression("pk = :pk AND begins_with(sk, :name)")
                .expression_attribute_values(":name", s(format!("{name}#"))),
            None => query.key_condition_expression("pk = :pk"),
        };
        self.query_all(query)
            .await?
            .iter()
            .map(|item| {
                serde_json::from_str(&req_s(item, "template")?)
                    .map_err(|e| StoreError::Corrupt(format!("template: {e}")))
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl crate::ports::TemplateCatalog for DynamoStore {
    async fn put_templates(&self, templates: &[Template]) -> Result<(), StoreError> {
        for t in templates {
            let mut item = key(keys::TEMPLATES, keys::template_sk(&t.name, &t.language));
            let json = serde_json::to_string(t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            item.insert("template".to_owned(), s(json));
            self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn template_translations(
        &self,
        name: &str,
    ) -> Result<Vec<crate::domain::template::Template>, crate::ports::StoreError> {
        self.query_templates(Some(name)).await
    }

    async fn list_templates(&self) -> Result<Vec<crate::domain::template::Template>, crate::ports::StoreError> {
        self.query_templates(None).await
    }
}
