//! Lambda glue for `POST /webhook`.

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let ingest = webhook_inbound::from_env().await?;
    lambda_http::run(webhook_inbound::router(Arc::new(ingest))).await
}
