//! Contact imports: one item each under `IMPORTS` (imports are rare: a
//! handful a month), keyed by their time-ordered id, the job as JSON with
//! its status and next row beside it for the conditional step write.

use super::item::{get_s, key, n, s, Item};
use super::{unavailable, DynamoStore};
use crate::domain::contact_import::{ContactImport, ImportStatus};
use crate::domain::AuditEntry;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

const IMPORTS: &str = "IMPORTS";

fn status_name(status: ImportStatus) -> Result<String, StoreError> {
    serde_json::to_string(&status).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn item_of(job: &ContactImport) -> Result<Item, StoreError> {
    let json = serde_json::to_string(job).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut item = key(IMPORTS, &job.id);
    item.extend([
        ("job".to_owned(), s(json)),
        ("job_status".to_owned(), s(status_name(job.status)?)),
        ("next_row".to_owned(), n(i64::try_from(job.next_row).unwrap_or(i64::MAX))),
    ]);
    Ok(item)
}

fn job_from(item: &Item) -> Result<ContactImport, StoreError> {
    let json = get_s(item, "job").ok_or_else(|| StoreError::Corrupt("import without its job".into()))?;
    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("import: {e}")))
}

#[async_trait::async_trait]
impl crate::ports::ImportStore for DynamoStore {
    async fn create_import(&self, job: &ContactImport, audit: &AuditEntry) -> Result<(), StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item_of(job)?))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;
        match self.audited(TransactWriteItem::builder().put(put).build(), audit).await? {
            true => Ok(()),
            false => Err(StoreError::Rejected("an import with this id exists".into())),
        }
    }

    async fn import(&self, id: &str) -> Result<Option<ContactImport>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(IMPORTS, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(job_from).transpose()
    }

    async fn recent_imports(&self, limit: i32) -> Result<Vec<ContactImport>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(IMPORTS))
            .scan_index_forward(false)
            .limit(limit)
            .send()
            .await
            .map_err(unavailable)?;
        out.items().iter().map(job_from).collect()
    }

    async fn advance_import(&self, from: &ContactImport, job: &ContactImport) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_of(job)?))
            .condition_expression("job_status = :status AND next_row = :next")
            .expression_attribute_values(":status", s(status_name(from.status)?))
            .expression_attribute_values(":next", n(i64::try_from(from.next_row).unwrap_or(i64::MAX)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}
