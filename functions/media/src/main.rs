//! Lambda glue for the media function. Settings are parsed at init; the
//! access token, the contact-id key and the clients come with the first batch.

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = media::MediaSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let worker = BuiltOnFirstUse::new(secrets, move |secrets| media::build(&settings, &sdk, secrets));
    let worker = &worker;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, lambda_runtime::Error>(media::handle(worker.get().await?, event.payload).await)
    }))
    .await
}
