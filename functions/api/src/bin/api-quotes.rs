//! Lambda glue for the `api-quotes` function: products, quotes and invoices.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley_api::run_on_lambda(parley_api::quote_routes).await
}
