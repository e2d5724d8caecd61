//! Lambda glue for the events function: settings and clients at init (no
//! network call), the contact-id key with the first batch, one stream batch
//! per invocation.

use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = events::EventsSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let handler = BuiltOnFirstUse::new(secrets, move |secrets| Ok(events::build(&settings, &sdk, secrets)?));
    let handler = &handler;
    lambda_runtime::run(service_fn(move |batch: LambdaEvent<events::stream::StreamBatch>| async move {
        let handled = handler.get().await?.handle(batch.payload).await;
        tracing::info!(published = handled.published, skipped = handled.skipped, "stream batch handled");
        Ok::<_, lambda_runtime::Error>(handled.response)
    }))
    .await
}
