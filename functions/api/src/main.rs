//! Lambda glue for `/api/*`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    parley::telemetry::init();
    let state = parley_api::from_env().await?;
    lambda_http::run(parley_api::router(state)).await
}
