//! The address a request came from, for login throttling.
//!
//! Behind CloudFront, API Gateway's `sourceIp` is an edge server shared by
//! everyone near it, so the viewer's own address is taken from
//! `CloudFront-Viewer-Address` — but only when the request carries the origin
//! key that CloudFront adds (a secret), because anyone can call the API
//! Gateway URL directly and write that header themselves. Otherwise the
//! address is API Gateway's `requestContext.http.sourceIp` on Lambda, or the
//! TCP peer the local runner saw (axum's `ConnectInfo`).

use crate::ApiState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The header CloudFront adds to every origin request, holding the origin key.
pub const ORIGIN_KEY_HEADER: &str = "x-parley-origin-key";
/// CloudFront's header with the viewer's address and port.
pub const VIEWER_ADDRESS_HEADER: &str = "cloudfront-viewer-address";

/// The client's address, when it can be known.
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<Arc<ApiState>> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<ApiState>) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(viewer_address(parts, state.origin_key.as_deref()).or_else(|| source_address(parts))))
    }
}

fn viewer_address(parts: &Parts, origin_key: Option<&str>) -> Option<IpAddr> {
    let key = origin_key?;
    let sent = parts.headers.get(ORIGIN_KEY_HEADER)?;
    if !bool::from(sent.as_bytes().ct_eq(key.as_bytes())) {
        return None;
    }
    parse_viewer_address(parts.headers.get(VIEWER_ADDRESS_HEADER)?.to_str().ok()?)
}

/// `198.51.100.10:46532`, or for IPv6 `2001:db8::1:46532`: the address, a
/// colon, the port.
fn parse_viewer_address(value: &str) -> Option<IpAddr> {
    let (address, _port) = value.trim().rsplit_once(':')?;
    address.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

fn source_address(parts: &Parts) -> Option<IpAddr> {
    if let Some(RequestContext::ApiGatewayV2(context)) = parts.extensions.request_context_ref() {
        return context.http.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cloudfronts_viewer_address_for_both_families() {
        assert_eq!(parse_viewer_address("198.51.100.10:46532"), Some(IpAddr::from([198, 51, 100, 10])));
        assert_eq!(parse_viewer_address("2001:db8::1:46532"), "2001:db8::1".parse().ok());
        assert_eq!(parse_viewer_address("[2001:db8::1]:443"), "2001:db8::1".parse().ok());
        assert_eq!(parse_viewer_address("garbage"), None);
    }
}
