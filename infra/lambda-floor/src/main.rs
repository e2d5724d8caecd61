//! The floor: a Lambda function that answers every event with nothing. What
//! a Parley function costs above it is what Parley's own code costs. It
//! runs on a one-thread runtime like every Parley function: a Lambda has one
//! event in hand at a time, and the multi-thread runtime's wake-ups across
//! threads cost CPU on every event: in the bench harness, one thread took
//! webhook-inbound from 1,346 to 1,041 µs per message and the floor from
//! 225 to 100 µs per call.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_event: LambdaEvent<Value>| async { Ok::<Value, Error>(Value::Null) })).await
}
