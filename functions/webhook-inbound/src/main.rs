//! Lambda glue for `POST /webhook`. Settings are parsed at init; the app
//! secret and the use case come with the first request (no network at init).

// glibc's allocator was a tenth of the CPU a message took (each message
// allocates and frees a few hundred small values); mimalloc's per-thread
// free lists cost less. Without transparent huge pages (`no_thp`): with
// them its first allocations took init from 1.3 to 1.5 times the floor's
// and added 6 MiB of resident memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use parley::adapters::http_api_event;
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;
use std::sync::Arc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let settings = webhook_inbound::InboundSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let app = BuiltOnFirstUse::new(secrets, move |secrets| {
        Ok(webhook_inbound::router(Arc::new(webhook_inbound::build(&settings, &sdk, secrets)?)))
    });
    http_api_event::run(&app).await
}
