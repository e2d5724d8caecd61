//! Lambda glue for the reminders function: each invocation is one
//! Scheduler wake-up whose input is a `ScheduledJob`, or a deploy's custom
//! resource request. Settings are parsed at init; the contact-id key and the
//! clients come with the first run.

use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;
use reminders::Wake;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = reminders::RemindersSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let built = BuiltOnFirstUse::new(secrets, move |secrets| reminders::build(&settings, &sdk, secrets));
    let built = &built;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Wake>| async move {
        match event.payload {
            Wake::Job(job) => {
                let fired = built.get().await?.work.run(&job).await?;
                Ok::<_, lambda_runtime::Error>(serde_json::json!({ "fired": fired.name() }))
            }
            Wake::Deploy(request) => {
                let migrations = built.get().await.map(|r| &r.migrations).map_err(|e| e.to_string());
                let said = reminders::answer_deploy(migrations, &request).await?;
                Ok(serde_json::json!({ "deploy": said }))
            }
        }
    }))
    .await
}
