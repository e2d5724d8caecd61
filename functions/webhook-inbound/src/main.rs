//! Lambda glue for `POST /webhook`. Settings are parsed at init; the app
//! secret and the use case come with the first request (no network at init).

// glibc's allocator was a tenth of the CPU a message took (each message
// allocates and frees a few hundred small values); mimalloc's per-thread
// free lists cost less. Without transparent huge pages (`no_thp`): with
// them its first allocations took init from 1.3 to 1.5 times the floor's
// and added 6 MiB of resident memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use parley::adapters::lambda_runtime_api;
use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::Environment;
use webhook_inbound::lambda_event::{self, DeliveryEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    parley::telemetry::init();
    let runtime_api = lambda_runtime_api::address()?;
    let settings = webhook_inbound::InboundSettings::from_environment(&Environment::process())?;
    let sdk = parley::adapters::aws::load_config().await;
    let secrets = SecretStore::new(settings.secrets.clone(), &sdk);
    let ingest = BuiltOnFirstUse::new(secrets, move |secrets| webhook_inbound::build(&settings, &sdk, secrets));
    let ingest = &ingest;
    lambda_runtime_api::serve(runtime_api, move |event: DeliveryEvent| async move {
        Ok::<_, parley::adapters::secrets_manager::BuildError>(lambda_event::serve(ingest.get().await?, event).await)
    })
    .await?;
    Ok(())
}
