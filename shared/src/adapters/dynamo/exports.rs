//! Export jobs: one item each, written with the request's audit line.

use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::export::{ExportFormat, ExportJob, ExportKind, ExportStatus};
use crate::domain::AuditEntry;
use crate::domain::Millis;
use crate::ports::StoreError;

/// A job is garbage once its file has expired from the bucket (the
/// bucket's lifecycle rule keeps files as long).
const JOB_RETENTION_SECONDS: i64 = 7 * 86_400;

fn job_from(item: &Item) -> Result<ExportJob, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("export job {what}"));
    Ok(ExportJob {
        id: get_s(item, "id").ok_or_else(|| corrupt("id"))?,
        kind: get_s(item, "kind").and_then(|k| ExportKind::parse(&k)).ok_or_else(|| corrupt("kind"))?,
        format: get_s(item, "format").and_then(|f| ExportFormat::parse(&f)).ok_or_else(|| corrupt("format"))?,
        requested_by: get_s(item, "requested_by").unwrap_or_default(),
        requested_at: Millis(get_n(item, "requested_at").unwrap_or(0)),
        status: get_s(item, "status").and_then(|t| ExportStatus::parse(&t)).ok_or_else(|| corrupt("status"))?,
        rows: get_n(item, "rows").and_then(|r| u64::try_from(r).ok()),
        finished_at: get_n(item, "finished_at").map(Millis),
    })
}

impl DynamoStore {
    async fn put_export(&self, job: &ExportJob, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = key(keys::export_pk(&job.id), keys::EXPORT);
        item.extend([
            ("id".to_owned(), s(&job.id)),
            ("kind".to_owned(), s(job.kind.as_str())),
            ("format".to_owned(), s(job.format.as_str())),
            ("requested_by".to_owned(), s(&job.requested_by)),
            ("requested_at".to_owned(), n(job.requested_at.0)),
            ("status".to_owned(), s(job.status.as_str())),
            (keys::TTL.to_owned(), n(job.requested_at.0 / 1000 + JOB_RETENTION_SECONDS)),
        ]);
        if !self.put_new_audited(item, audit).await? {
            return Err(StoreError::Corrupt(format!("export {} exists", job.id)));
        }
        Ok(())
    }

    async fn get_export(&self, id: &str) -> Result<Option<ExportJob>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::export_pk(id), keys::EXPORT)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(job_from).transpose()
    }

    /// Moves a job that is not final to `status`; `false` when it was final.
    async fn move_export(
        &self,
        id: &str,
        status: ExportStatus,
        rows: Option<u64>,
        at: Millis,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::export_pk(id), keys::EXPORT)))
            .condition_expression("attribute_exists(pk) AND #st IN (:queued, :running)")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":st", s(status.as_str()))
            .expression_attribute_values(":queued", s(ExportStatus::Queued.as_str()))
            .expression_attribute_values(":running", s(ExportStatus::Running.as_str()))
            .expression_attribute_values(":at", n(at.0));
        update = match (status.is_final(), rows) {
            (false, _) => update.update_expression("SET #st = :st, started_at = :at"),
            (true, Some(rows)) => update
                .update_expression("SET #st = :st, finished_at = :at, #rows = :rows")
                .expression_attribute_names("#rows", "rows")
                .expression_attribute_values(":rows", n(i64::try_from(rows).unwrap_or(i64::MAX))),
            (true, None) => update.update_expression("SET #st = :st, finished_at = :at"),
        };
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait::async_trait]
impl crate::ports::ExportStore for DynamoStore {
    async fn create_export(&self, job: &ExportJob, audit: &AuditEntry) -> Result<(), StoreError> {
        self.put_export(job, audit).await
    }

    async fn export(&self, id: &str) -> Result<Option<ExportJob>, StoreError> {
        self.get_export(id).await
    }

    async fn start_export(&self, id: &str, at: Millis) -> Result<bool, StoreError> {
        self.move_export(id, ExportStatus::Running, None, at).await
    }

    async fn finish_export(&self, id: &str, rows: Option<u64>, at: Millis) -> Result<(), StoreError> {
        let status = if rows.is_some() { ExportStatus::Done } else { ExportStatus::Failed };
        self.move_export(id, status, rows, at).await?;
        Ok(())
    }
}
