//! Lambda glue for the `api-bulk` function: campaigns, imports, exports,
//! reports and the audit log.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley_api::run_on_lambda(parley_api::bulk_routes).await
}
