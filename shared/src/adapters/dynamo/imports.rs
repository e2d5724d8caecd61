//! Contact imports: one item each under `IMPORTS` (imports are rare: a
//! handful a month), keyed by their time-ordered id, the job as JSON with
//! its status and next row beside it for the conditional step write.

use super::item::{get_s, key, n, s, Item};
use super::{unavailable, DynamoStore};
use crate::domain::contact_import::{ContactImport, ImportStatus};
use crate::domain::AuditEntry;
use crate::ports::StoreError;

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
        match self.put_new_audited(item_of(job)?, audit).await? {
            true => Ok(()),
            false => Err(StoreError::Rejected("an import with this id exists".into())),
        }
    }

    async fn import(&self, id: &str) -> Result<Option<ContactImport>, StoreError> {
        self.listed_job(IMPORTS, id).await?.as_ref().map(job_from).transpose()
    }

    async fn recent_imports(&self, limit: i32) -> Result<Vec<ContactImport>, StoreError> {
        self.recent_listed_jobs(IMPORTS, limit).await?.iter().map(job_from).collect()
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
