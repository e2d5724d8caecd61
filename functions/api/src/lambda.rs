//! What each of the API's Lambda functions runs. Settings are parsed at
//! init (a bad one fails the cold start); the secrets and the state come
//! with the first request, so init makes no network call.

use crate::{ApiSettings, Routes};
use parley::adapters::http_api_event;
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

/// Serves `routes` to API Gateway until Lambda ends the container.
pub async fn run_on_lambda(routes: Routes) -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let settings = ApiSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let app = BuiltOnFirstUse::new(secrets, move |secrets| {
        Ok(crate::serving(routes, crate::build(&settings, &sdk, secrets)?))
    });
    http_api_event::run(&app).await
}
