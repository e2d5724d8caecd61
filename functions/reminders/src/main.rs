//! Lambda glue for the scheduled sweep.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    parley::telemetry::init();
    let settings = reminders::RemindersSettings::from_environment(&parley::config::Environment::process())?;
    let sweep = reminders::build(&settings, &parley::adapters::aws::load_config().await);
    let sweep = &sweep;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<EventBridgeEvent>| async move {
        let report = sweep.run().await?;
        Ok::<_, lambda_runtime::Error>(serde_json::json!({"requeued": report.requeued, "flagged": report.flagged}))
    }))
    .await
}
