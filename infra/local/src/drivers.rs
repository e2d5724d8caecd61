//! What AWS does around the functions, played locally: the SQS event source
//! (batches, partial failures, deletes) and Scheduler's wake-ups.

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use parley::app::due_work::DueWork;
use parley::domain::scheduled_job::ScheduledJob;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Polls `queue_url` like Lambda's SQS event source: up to 10 records a
/// batch, records not reported as failures are deleted, failures come back
/// when their visibility runs out (the sender sets it to the backoff).
pub async fn sqs_event_source(
    client: aws_sdk_sqs::Client,
    queue_url: String,
    sender: sender::Sender,
    jobs: Arc<AtomicU64>,
) {
    let sender = Arc::new(sender);
    poll_queue(client, queue_url, jobs, move |event| {
        let sender = sender.clone();
        async move { sender::handle(&sender, event).await }
    })
    .await;
}

/// The export queue's event source: the exports function, a record a batch.
pub async fn export_event_source(client: aws_sdk_sqs::Client, queue_url: String, worker: exports::Worker) {
    let worker = Arc::new(worker);
    poll_queue(client, queue_url, Arc::default(), move |event| {
        let worker = worker.clone();
        async move { exports::handle(&worker, event).await }
    })
    .await;
}

/// Lambda's SQS event source over any handler: receive a batch, hand it
/// over, delete what the handler did not report as failed.
pub(crate) async fn poll_queue<F, Fut>(client: aws_sdk_sqs::Client, queue_url: String, jobs: Arc<AtomicU64>, handler: F)
where
    F: Fn(SqsEvent) -> Fut,
    Fut: std::future::Future<Output = aws_lambda_events::event::sqs::SqsBatchResponse>,
{
    loop {
        let received = client
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await;
        let messages = match received {
            Ok(out) => out.messages.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = ?e, "local SQS poll failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if messages.is_empty() {
            continue;
        }
        let mut event = SqsEvent::default();
        event.records = messages
            .iter()
            .map(|m| {
                let mut record = SqsMessage::default();
                record.message_id = m.message_id.clone();
                record.receipt_handle = m.receipt_handle.clone();
                record.body = m.body.clone();
                // As Lambda passes them: consumers count attempts with these.
                record.attributes = m
                    .attributes()
                    .map(|a| a.iter().map(|(k, v)| (k.as_str().to_owned(), v.clone())).collect())
                    .unwrap_or_default();
                record
            })
            .collect();
        jobs.fetch_add(messages.len() as u64, Ordering::Relaxed);
        let response = handler(event).await;
        let failed: HashSet<String> = response.batch_item_failures.into_iter().map(|f| f.item_identifier).collect();
        for m in &messages {
            if m.message_id.as_ref().is_some_and(|id| failed.contains(id)) {
                continue;
            }
            if let Some(receipt) = &m.receipt_handle {
                let _ = client.delete_message().queue_url(&queue_url).receipt_handle(receipt).send().await;
            }
        }
    }
}

/// Runs each fired job, as Scheduler invokes the reminders function.
pub async fn reminders(work: Arc<DueWork>, mut fired: UnboundedReceiver<ScheduledJob>) {
    while let Some(job) = fired.recv().await {
        let work = work.clone();
        // Jobs run side by side, like concurrent invocations.
        tokio::spawn(async move {
            if let Err(e) = work.run(&job).await {
                tracing::warn!(job = %job.name(), error = %e, "scheduled job failed");
            }
        });
    }
}

/// Every `every`, runs the outbox sweep and an index backfill step: the
/// same scheduled jobs AWS runs (through the reminders' `DueWork`), not a
/// second sweep of the runner's own. Each tick waits for its runs, so a
/// slow sweep never overlaps the next one. AWS has no such period (each
/// send arms the sweep); the runner keeps it as a safety net because some
/// of what the tests do arms nothing: a message written but never enqueued
/// (`outbound::a_message_never_enqueued_is_sent_by_the_sweep`), counter
/// entries from a burst of statuses with no send to arm a fold
/// (`hot_counters`), and items left for the index backfill.
pub async fn schedule(work: Arc<DueWork>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        for job in [ScheduledJob::OutboxSweep, ScheduledJob::IndexBackfill] {
            if let Err(e) = work.run(&job).await {
                tracing::warn!(job = %job.name(), error = %e, "periodic job failed");
            }
        }
    }
}
