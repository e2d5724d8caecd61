//! Prints the API's OpenAPI document, so the web app's types can be
//! generated (and checked for drift) without starting a server.

fn main() {
    println!("{:#}", parley_api::openapi_document());
}
