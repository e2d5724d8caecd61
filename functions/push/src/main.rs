//! Lambda glue for the WebSocket API's routes. Settings are parsed at init;
//! the contact-id key and the client come with the first request.

use aws_lambda_events::event::apigw::ApiGatewayWebsocketProxyRequest;
use lambda_runtime::{service_fn, LambdaEvent};
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = push::PushSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let sockets = BuiltOnFirstUse::new(secrets, move |secrets| Ok(push::build(&settings, &sdk, secrets)?));
    let sockets = &sockets;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| async move {
        Ok::<_, lambda_runtime::Error>(push::handle(sockets.get().await?, event.payload).await)
    }))
    .await
}
