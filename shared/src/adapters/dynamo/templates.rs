//! The template catalogs: one partition, one item per name, language and
//! account.

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
            let mut item = key(keys::TEMPLATES, keys::template_sk(&t.name, &t.language, t.waba_id.as_deref()));
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

    async fn note_template_status(
        &self,
        change: &crate::domain::template_status::TemplateStatusChange,
    ) -> Result<bool, crate::ports::StoreError> {
        let key = key(keys::TEMPLATES, keys::template_sk(&change.name, &change.language, change.waba_id.as_deref()));
        let read = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.clone()))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(stored) = read.item().and_then(|i| super::item::get_s(i, "template")) else { return Ok(false) };
        let mut template: crate::domain::template::Template =
            serde_json::from_str(&stored).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        template.status = change.status.clone();
        template.status_reason = change.reason.clone();
        let json = serde_json::to_string(&template).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Only onto the translation as read (a sync in between wins), and
        // only when no newer change was kept.
        let written = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression("SET template = :new, status_at = :at")
            .condition_expression("template = :old AND (attribute_not_exists(status_at) OR status_at <= :at)")
            .expression_attribute_values(":new", s(json))
            .expression_attribute_values(":old", s(stored))
            .expression_attribute_values(":at", super::item::n(change.at.0))
            .send()
            .await;
        super::failure::applied(written)
    }
}
