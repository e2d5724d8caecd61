//! Lambda glue for the SQS sender. Settings are parsed at init; the access
//! token and the clients come with the first batch (no network at init).

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = sender::SenderSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let sender = BuiltOnFirstUse::new(secrets, move |secrets| sender::build(&settings, &sdk, secrets));
    let sender = &sender;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, lambda_runtime::Error>(sender::handle(sender.get().await?, event.payload).await)
    }))
    .await
}
