//! The WebSocket API, played locally: `/ws` upgrades through the push
//! function's own `$connect` (the same cookie check), pings go through its
//! `$default`, a closed socket through its `$disconnect`; notices reach the
//! sockets through [`LocalPushChannel`], the in-process stand-in for API
//! Gateway's management API.

use aws_lambda_events::event::apigw::ApiGatewayWebsocketProxyRequest;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use parley::app::live_sockets::LiveSockets;
use parley::ports::{PushChannel, PushError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc;

/// The open local sockets, by connection id.
#[derive(Default)]
pub struct LocalPushChannel(Mutex<HashMap<String, mpsc::UnboundedSender<String>>>);

impl LocalPushChannel {
    fn open(&self, id: &str) -> mpsc::UnboundedReceiver<String> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_owned(), tx);
        rx
    }

    fn close(&self, id: &str) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }

    /// How many sockets are open.
    pub fn open_sockets(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[async_trait::async_trait]
impl PushChannel for LocalPushChannel {
    async fn post(&self, id: &str, text: &str) -> Result<(), PushError> {
        let sent = self.0.lock().unwrap_or_else(PoisonError::into_inner).get(id).map(|tx| tx.send(text.to_owned()));
        match sent {
            Some(Ok(())) => Ok(()),
            // Closed here: its $disconnect forgets it.
            Some(Err(_)) => Err(PushError::Gone),
            // Not a socket of this runner (another runner's, or one a test
            // registered for a stand-in channel): not ours to forget.
            None => Err(PushError::Unavailable("not a socket of this runner".into())),
        }
    }
}

/// What `/ws` needs.
pub struct LiveSocketServer {
    /// The push function's use case.
    pub sockets: LiveSockets,
    /// Where notices go.
    pub channel: Arc<LocalPushChannel>,
}

fn route(route_key: &str, id: &str, headers: HeaderMap, body: Option<String>) -> ApiGatewayWebsocketProxyRequest {
    let mut request = ApiGatewayWebsocketProxyRequest::default();
    request.request_context.route_key = Some(route_key.to_owned());
    request.request_context.connection_id = Some(id.to_owned());
    request.headers = headers;
    request.body = body;
    request
}

/// `GET /ws`: the upgrade, refused (401) without a live session.
pub async fn upgrade(State(live): State<Arc<LiveSocketServer>>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    let id = format!("local-{:016x}", rand::random::<u64>());
    let answer = push::handle(&live.sockets, route("$connect", &id, headers, None)).await;
    if answer.status_code != 200 {
        let status = StatusCode::from_u16(u16::try_from(answer.status_code).unwrap_or(500))
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, "sign in first").into_response();
    }
    let outgoing = live.channel.open(&id);
    ws.on_upgrade(move |socket| serve(live, socket, id, outgoing))
}

async fn serve(
    live: Arc<LiveSocketServer>,
    mut socket: WebSocket,
    id: String,
    mut outgoing: mpsc::UnboundedReceiver<String>,
) {
    loop {
        tokio::select! {
            notice = outgoing.recv() => match notice {
                Some(text) => if socket.send(Message::Text(text.into())).await.is_err() { break },
                None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let answer = push::handle(&live.sockets, route("$default", &id, HeaderMap::new(), Some(text.to_string()))).await;
                    if let Some(aws_lambda_events::encodings::Body::Text(reply)) = answer.body {
                        if socket.send(Message::Text(reply.into())).await.is_err() { break }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    live.channel.close(&id);
    push::handle(&live.sockets, route("$disconnect", &id, HeaderMap::new(), None)).await;
}
