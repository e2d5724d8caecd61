//! Lambda glue for the `api` function: the inbox's routes, lead sources'
//! posts, and every `/api` path no other function claims (see
//! `template.yaml`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    parley_api::run_on_lambda(parley_api::api_function).await
}
