//! Lambda glue for the events function: settings and clients at init (no
//! network call), one stream batch per invocation.

use lambda_runtime::{service_fn, LambdaEvent};
use parley::config::Environment;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = events::EventsSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let handler = events::build(&settings, &sdk);
    let handler = &handler;
    lambda_runtime::run(service_fn(move |batch: LambdaEvent<events::stream::StreamBatch>| async move {
        let handled = handler.handle(batch.payload).await;
        tracing::info!(published = handled.published, skipped = handled.skipped, "stream batch handled");
        Ok::<_, lambda_runtime::Error>(handled.response)
    }))
    .await
}
