//! Lambda glue for `GET /webhook`. The verify token is read with the first
//! request (no network at init).

use parley::adapters::http_api_event;
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let settings = webhook_verify::VerifySettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let app = BuiltOnFirstUse::new(SecretStore::new(settings.secrets, &sdk), |secrets| {
        Ok(webhook_verify::router(webhook_verify::VerifyConfig::from_secrets(secrets)?))
    });
    http_api_event::run(&app).await
}
