//! Lambda glue: settings at init (fail fast), one EventBridge event per
//! invocation.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use parley::config::Environment;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = example_won_deals::WonDealsSettings::from_environment(&Environment::process())?;
    let function = example_won_deals::WonDeals::new(settings);
    let function = &function;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<EventBridgeEvent<serde_json::Value>>| async move {
        let row = function.handle(event.payload).await?;
        Ok::<_, lambda_runtime::Error>(serde_json::json!({"posted": row.is_some()}))
    }))
    .await
}
