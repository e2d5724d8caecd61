//! API Gateway HTTP API (v2) events in and out, read straight into their
//! own type, for every function API Gateway invokes.
//!
//! `lambda_http::run` reads every event as an untagged enum of the event
//! shapes it knows: serde first copies the whole event, body included, into
//! a generic tree and then tries each shape against it. And it answers
//! through a text decoder for every charset a `Content-Type` could name
//! (encoding_rs, 0.15 MB of each binary). Parley's routes only ever come
//! through the HTTP API and only ever answer in UTF-8 or bytes, so this
//! reads that one event shape in one pass, hands the router the same
//! `http::Request` lambda_http would, and answers in the event's own shape.

use crate::adapters::secrets_manager::BuiltOnFirstUse;
use http::header::SET_COOKIE;
use http_body_util::BodyExt;
use lambda_http::aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use lambda_http::request::LambdaRequest;
use lambda_http::{service_fn, Body, Context, LambdaEvent, RequestExt};
use tower::{Service, ServiceExt};

/// Serves HTTP API events until Lambda ends the container, each through a
/// clone of the service `app` builds with the first event (so init makes no
/// network call).
pub async fn run<S, B>(app: &BuiltOnFirstUse<S>) -> Result<(), lambda_http::Error>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone,
    S::Error: Into<lambda_http::Error>,
    B: http_body::Body,
    B::Error: Into<lambda_http::Error>,
{
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<ApiGatewayV2httpRequest>| async move {
        serve(app.get().await?.clone(), event.payload, event.context).await
    }))
    .await
}

/// Runs one HTTP API event through `service`. A body that is not UTF-8 goes
/// back base64-encoded; `Set-Cookie` headers go back as the response's
/// `cookies`, the only place the HTTP API takes them from.
pub async fn serve<S, B>(
    service: S,
    event: ApiGatewayV2httpRequest,
    context: Context,
) -> Result<ApiGatewayV2httpResponse, lambda_http::Error>
where
    S: Service<http::Request<Body>, Response = http::Response<B>>,
    S::Error: Into<lambda_http::Error>,
    B: http_body::Body,
    B::Error: Into<lambda_http::Error>,
{
    let request = http::Request::from(LambdaRequest::ApiGatewayV2(event)).with_lambda_context(context);
    let (mut parts, body) = service.oneshot(request).await.map_err(Into::into)?.into_parts();
    let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = i64::from(parts.status.as_u16());
    response.cookies =
        parts.headers.get_all(SET_COOKIE).iter().filter_map(|cookie| cookie.to_str().ok().map(str::to_owned)).collect();
    parts.headers.remove(SET_COOKIE);
    response.headers = parts.headers;
    if !bytes.is_empty() {
        response.body = Some(match String::from_utf8(Vec::from(bytes)) {
            Ok(text) => Body::Text(text),
            Err(binary) => {
                response.is_base64_encoded = true;
                Body::Binary(binary.into_bytes())
            }
        });
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use axum::routing::post;
    use axum::Router;
    use http::{HeaderMap, StatusCode};

    fn event(body: &str, base64: bool) -> ApiGatewayV2httpRequest {
        serde_json::from_value(serde_json::json!({
            "version": "2.0",
            "routeKey": "POST /webhook",
            "rawPath": "/webhook",
            "rawQueryString": "",
            "headers": {"x-probe": "seen"},
            "requestContext": {"http": {"method": "POST", "path": "/webhook", "sourceIp": "203.0.113.7"}},
            "body": body,
            "isBase64Encoded": base64,
        }))
        .expect("an HTTP API event")
    }

    /// Echoes what it was given, or answers with bytes that are not UTF-8.
    fn router() -> Router {
        Router::new()
            .route(
                "/webhook",
                post(|headers: HeaderMap, body: Bytes| async move {
                    let probe = headers.get("x-probe").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    (StatusCode::ACCEPTED, format!("{probe}:{}", String::from_utf8_lossy(&body)))
                }),
            )
            .route("/binary", post(|| async { vec![0xff_u8, 0xfe, 0x00] }))
            .route("/empty", post(|| async { StatusCode::NO_CONTENT }))
            .route(
                "/signed-in",
                post(|| async {
                    let mut headers = HeaderMap::new();
                    headers.append(SET_COOKIE, "session=abc; HttpOnly; Secure".parse().unwrap());
                    headers.append(SET_COOKIE, "csrf=xyz; Secure".parse().unwrap());
                    headers.insert("x-kept", "yes".parse().unwrap());
                    (headers, "{}")
                }),
            )
    }

    #[tokio::test]
    async fn the_router_gets_the_decoded_body_and_the_headers_and_its_answer_comes_back_as_text() {
        // "hi there", base64-encoded as API Gateway sends a body it deems binary.
        let response = serve(router(), event("aGkgdGhlcmU=", true), Context::default()).await.unwrap();
        assert_eq!(response.status_code, 202);
        assert_eq!(response.body, Some(Body::Text("seen:hi there".into())));
        assert!(!response.is_base64_encoded);
        assert_eq!(response.headers["content-type"], "text/plain; charset=utf-8");
    }

    #[tokio::test]
    async fn bytes_that_are_not_utf8_go_back_base64_encoded_and_nothing_goes_back_as_no_body() {
        let mut binary = event("", false);
        binary.raw_path = Some("/binary".into());
        let response = serve(router(), binary, Context::default()).await.unwrap();
        assert_eq!(response.body, Some(Body::Binary(vec![0xff, 0xfe, 0x00])));
        assert!(response.is_base64_encoded);

        let mut empty = event("", false);
        empty.raw_path = Some("/empty".into());
        let response = serve(router(), empty, Context::default()).await.unwrap();
        assert_eq!(response.status_code, 204);
        assert_eq!(response.body, None);
    }

    #[tokio::test]
    async fn cookies_set_by_the_router_go_back_as_the_responses_cookies_and_not_as_a_header() {
        let mut signed_in = event("", false);
        signed_in.raw_path = Some("/signed-in".into());
        let response = serve(router(), signed_in, Context::default()).await.unwrap();
        assert_eq!(response.cookies, vec!["session=abc; HttpOnly; Secure".to_owned(), "csrf=xyz; Secure".to_owned()]);
        assert!(response.headers.get(SET_COOKIE).is_none());
        assert_eq!(response.headers["x-kept"], "yes");
    }
}
