//! Lambda glue for `GET /webhook`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let config = webhook_verify::VerifyConfig::from_env()?;
    lambda_http::run(webhook_verify::router(config)).await
}
