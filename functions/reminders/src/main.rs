//! Lambda glue for the reminders function: each invocation is one
//! Scheduler wake-up whose input is a `ScheduledJob`. Settings are parsed at
//! init; the contact-id key and the clients come with the first run.

use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;
use parley::domain::scheduled_job::ScheduledJob;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = reminders::RemindersSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let work = BuiltOnFirstUse::new(secrets, move |secrets| reminders::build(&settings, &sdk, secrets));
    let work = &work;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<ScheduledJob>| async move {
        let fired = work.get().await?.run(&event.payload).await?;
        Ok::<_, lambda_runtime::Error>(serde_json::json!({ "fired": format!("{fired:?}") }))
    }))
    .await
}
