//! Lambda glue for the scheduled sweep and index backfill. Settings are parsed at init; the
//! contact-id key and the clients come with the first run (no network at init).

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = reminders::RemindersSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let scheduled = BuiltOnFirstUse::new(secrets, move |secrets| Ok(reminders::build(&settings, &sdk, secrets)?));
    let scheduled = &scheduled;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<EventBridgeEvent>| async move {
        let report = scheduled.get().await?.run().await?;
        Ok::<_, lambda_runtime::Error>(serde_json::json!({
            "requeued": report.sweep.requeued,
            "flagged": report.sweep.flagged,
            "backfill_moved": report.backfill.moved,
            "backfill_done": report.backfill.done,
        }))
    }))
    .await
}
