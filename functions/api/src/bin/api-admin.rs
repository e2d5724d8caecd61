//! Lambda glue for the `api-admin` function: settings, the team, rules,
//! webhooks, lead sources and the deployment's health.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley_api::run_on_lambda(parley_api::admin_routes).await
}
