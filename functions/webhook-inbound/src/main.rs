//! Lambda glue for `POST /webhook`. Settings are parsed at init; the app
//! secret and the use case come with the first request (no network at init).

use lambda_http::{service_fn, Request};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;
use std::sync::Arc;
use tower::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let settings = webhook_inbound::InboundSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let app = BuiltOnFirstUse::new(secrets, move |secrets| {
        Ok(webhook_inbound::router(Arc::new(webhook_inbound::build(&settings, &sdk, secrets)?)))
    });
    let app = &app;
    lambda_http::run(service_fn(move |request: Request| async move {
        Ok::<_, lambda_http::Error>(app.get().await?.clone().oneshot(request).await?)
    }))
    .await
}
