//! The SQS-driven export worker: each record names one export job, which
//! is written to the export bucket page by page. A failed job is marked
//! failed for its requester; only an unreadable record or a storage outage
//! is handed back to SQS (and, after its retries, the dead-letter queue).

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use parley::adapters::aws;
use parley::adapters::sqs::ExportRequest;
use parley::app::exports::Exports;
use parley::ports::SystemClock;
use std::sync::Arc;

/// The worker.
pub struct Worker {
    /// The use case.
    pub exports: Exports,
}

/// Builds the worker from the environment (`TABLE_NAME`, `EXPORT_BUCKET`,
/// `EXPORT_QUEUE_URL`); clients are built once, here.
pub async fn from_env() -> Result<Worker, Box<dyn std::error::Error + Send + Sync>> {
    let sdk = aws::load_config().await;
    let store = Arc::new(aws::store_from_env(&sdk)?);
    let exports = Exports::new(
        store.clone(),
        Arc::new(aws::export_queue_from_env(&sdk)?),
        Arc::new(aws::export_files_from_env(&sdk)?),
        store.clone(),
        store,
        Arc::new(SystemClock),
    );
    Ok(Worker { exports })
}

/// Handles one SQS batch.
pub async fn handle(worker: &Worker, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = Vec::new();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        let request = record.body.as_deref().and_then(|b| serde_json::from_str::<ExportRequest>(b).ok());
        let Some(request) = request else {
            tracing::error!(sqs_message_id = %id, "unreadable export request");
            failures.push(failure(id));
            continue;
        };
        if let Err(e) = worker.exports.run(&request.export_id).await {
            tracing::error!(error = %e, export_id = %request.export_id, "export job failed on storage; SQS will redeliver");
            failures.push(failure(id));
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}

fn failure(id: String) -> BatchItemFailure {
    let mut failure = BatchItemFailure::default();
    failure.item_identifier = id;
    failure
}
