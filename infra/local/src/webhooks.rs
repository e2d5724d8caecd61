//! The webhook delivery queue's event source, played locally over the
//! webhooks function's own handler (as Lambda's SQS trigger would).

use parley::adapters::dynamo::DynamoStore;
use parley::adapters::sqs::SqsQueue;
use parley::adapters::webhook_http::HttpWebhookPoster;
use parley::app::webhook_delivery::DeliverWebhook;
use parley::domain::WebhookRetry;
use parley::ports::Clock;
use std::sync::Arc;

/// The webhooks function's worker over the local store and queue.
pub fn worker(
    store: Arc<DynamoStore>,
    queue: SqsQueue,
    clock: Arc<dyn Clock>,
    retry: WebhookRetry,
) -> anyhow::Result<webhooks::Worker> {
    let poster = Arc::new(HttpWebhookPoster::new()?);
    Ok(webhooks::Worker { deliver: DeliverWebhook::new(store, poster, clock, retry), queue })
}

/// Polls the delivery queue and hands each batch to the webhooks function.
pub async fn event_source(client: aws_sdk_sqs::Client, queue_url: String, worker: webhooks::Worker) {
    let worker = Arc::new(worker);
    crate::drivers::poll_queue(client, queue_url, Arc::default(), move |event| {
        let worker = worker.clone();
        async move { webhooks::handle(&worker, event).await }
    })
    .await;
}
