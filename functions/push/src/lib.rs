//! The WebSocket API's routes. `$connect` opens a socket only for a live
//! staff session (the API's own cookie check) and records it with a TTL;
//! `$disconnect` forgets it; `$default` answers pings. The pushing itself is
//! [`parley::app::live_push::LivePush`], a reaction of the events function:
//! [`live_push`] builds it.

use aws_lambda_events::encodings::Body;
use aws_lambda_events::event::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use http::header::COOKIE;
use http::HeaderMap;
use parley::adapters::api_gateway_push::ApiGatewayPush;
use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::dynamo::DynamoStore;
use parley::app::live_push::LivePush;
use parley::app::live_sockets::LiveSockets;
use parley::app::{Auth, AuthError};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError};
use parley::config::{ConfigError, Environment};
use parley::ports::{Clock, PushChannel, SystemClock};
use std::sync::Arc;

/// The staff session cookie (the API's).
pub const SESSION_COOKIE: &str = "parley_session";

/// What the function runs with.
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// The contact-id key (the store needs it even though sockets derive no ids).
    pub secrets: SecretSource,
}

impl PushSettings {
    /// Reads the settings; a missing one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(PushSettings {
            table: env.required("TABLE_NAME")?,
            secrets: SecretSource::from_environment(env, &[SecretName::ContactIdKey])?,
        })
    }
}

/// The socket use case over one store: what both Lambda and the local runner use.
pub fn sockets(store: Arc<DynamoStore>, clock: Arc<dyn Clock>) -> LiveSockets {
    let auth = Auth::new(store.clone(), store.clone(), store.clone(), clock.clone(), None);
    LiveSockets::new(Arc::new(auth), store, clock)
}

/// Builds the use case with a client made here, once per container.
pub fn build(settings: &PushSettings, sdk: &SdkConfig, secrets: &AppSecrets) -> Result<LiveSockets, SecretsError> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    Ok(sockets(store, Arc::new(SystemClock)))
}

/// The reaction that pushes each event to the sockets of the staff who
/// may see it, through `channel` (API Gateway's management API, or the
/// local runner's sockets).
pub fn live_push(store: Arc<DynamoStore>, channel: Arc<dyn PushChannel>, agents_see_all: bool) -> LivePush {
    LivePush::new(store.clone(), store, channel, Arc::new(SystemClock), agents_see_all)
}

/// The management API channel of the stage at `endpoint` (the template
/// gives the events function `PUSH_ENDPOINT`).
pub fn api_gateway_channel(sdk: &SdkConfig, endpoint: &str) -> Arc<dyn PushChannel> {
    Arc::new(ApiGatewayPush::new(sdk, endpoint))
}

/// The session token from the `Cookie` header(s).
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Handles one WebSocket route invocation.
pub async fn handle(sockets: &LiveSockets, request: ApiGatewayWebsocketProxyRequest) -> ApiGatewayProxyResponse {
    let context = &request.request_context;
    let Some(id) = context.connection_id.as_deref() else {
        return answer(400, "no connection id");
    };
    match context.route_key.as_deref() {
        Some("$connect") => {
            let token = session_token(&request.headers).or_else(|| session_token(&request.multi_value_headers));
            match sockets.connect(token.as_deref(), id).await {
                Ok(connection) => {
                    tracing::info!(role = connection.role.as_str(), "socket connected");
                    answer(200, "")
                }
                Err(AuthError::Store(e)) => {
                    tracing::error!(error = %e, "socket not recorded");
                    answer(503, "storage unavailable")
                }
                // Any non-2xx refuses the handshake.
                Err(_) => answer(401, "sign in first"),
            }
        }
        Some("$disconnect") => match sockets.disconnect(id).await {
            Ok(()) => answer(200, ""),
            Err(e) => {
                // TTL collects the item if this write is lost.
                tracing::warn!(error = %e, "socket item not deleted");
                answer(500, "")
            }
        },
        _ => match request.body.as_deref().map(str::trim) {
            Some("ping") | Some(r#"{"type":"ping"}"#) => answer(200, r#"{"type":"pong"}"#),
            _ => answer(400, r#"{"type":"error","reason":"send ping"}"#),
        },
    }
}

fn answer(status: i64, body: &str) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    if !body.is_empty() {
        response.body = Some(Body::Text(body.to_owned()));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; parley_session=abc; b=2".parse().unwrap());
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        assert_eq!(session_token(&HeaderMap::new()), None);
    }
}
