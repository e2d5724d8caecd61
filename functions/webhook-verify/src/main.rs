//! Lambda glue for `GET /webhook`. The verify token is read with the first
//! request (no network at init).

use lambda_http::{service_fn, Request};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;
use tower::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let settings = webhook_verify::VerifySettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let app = BuiltOnFirstUse::new(SecretStore::new(settings.secrets, &sdk), |secrets| {
        Ok(webhook_verify::router(webhook_verify::VerifyConfig::from_secrets(secrets)?))
    });
    let app = &app;
    lambda_http::run(service_fn(move |request: Request| async move {
        Ok::<_, lambda_http::Error>(app.get().await?.clone().oneshot(request).await?)
    }))
    .await
}
