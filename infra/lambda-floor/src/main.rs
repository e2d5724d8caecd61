//! The floor: a Lambda function that answers every event with nothing. What
//! a Parley function costs above it is what Parley's own code costs.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_event: LambdaEvent<Value>| async { Ok::<Value, Error>(Value::Null) })).await
}
