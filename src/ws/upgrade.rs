//! Finishing the WebSocket upgrade ourselves (RFC 6455 §4.2), so every socket gets the buffer
//! sizes and frame limits chosen here: a 4 KiB read buffer instead of tungstenite's 128 KiB,
//! which an idle socket would otherwise keep resident for its whole life.

use std::future::Future;

use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tungstenite::handshake::derive_accept_key;
use tungstenite::protocol::{Role, WebSocketConfig};
use warp::http::{HeaderMap, HeaderValue, StatusCode, header};
use warp::hyper::upgrade::Upgraded;
use warp::reply::Response;

use crate::listener::UpgradeClaim;

/// An upgraded connection speaking WebSocket.
pub type WebSocket = WebSocketStream<TokioIo<Upgraded>>;

/// Bytes read from the connection at a time. Client frames are small; a larger one is read in
/// several steps.
const READ_BUFFER: usize = 4096;

/// A request that asked to become a WebSocket, with everything needed to say yes.
pub struct Upgrade {
    accept: String,
    claim: UpgradeClaim,
}

impl Upgrade {
    /// The upgrade a request asks for: a `websocket` upgrade, version 13, with a key. `None`
    /// when it is a plain request (or no connection can be taken over).
    #[must_use]
    pub fn requested(headers: &HeaderMap, claim: Option<UpgradeClaim>) -> Option<Self> {
        let has = |name: header::HeaderName, token: &str| {
            headers.get_all(name).iter().any(|v| {
                v.to_str().is_ok_and(|v| {
                    v.split(',')
                        .any(|part| part.trim().eq_ignore_ascii_case(token))
                })
            })
        };
        if !(has(header::CONNECTION, "upgrade") && has(header::UPGRADE, "websocket")) {
            return None;
        }
        if headers.get(header::SEC_WEBSOCKET_VERSION)? != "13" {
            return None;
        }
        let key = headers.get(header::SEC_WEBSOCKET_KEY)?;
        Some(Self {
            accept: derive_accept_key(key.as_bytes()),
            claim: claim?,
        })
    }

    /// Answers 101 and, once the connection has switched, runs `session` on it with frames of
    /// at most `max_frame_bytes`.
    pub fn accept<F, S>(self, max_frame_bytes: usize, session: F) -> Response
    where
        F: FnOnce(WebSocket) -> S + Send + 'static,
        S: Future<Output = ()> + Send + 'static,
    {
        if let Some(upgrade) = self.claim.take() {
            let config = WebSocketConfig::default()
                .read_buffer_size(READ_BUFFER)
                .max_frame_size(Some(max_frame_bytes))
                .max_message_size(Some(max_frame_bytes));
            tokio::spawn(async move {
                match upgrade.await {
                    Ok(upgraded) => {
                        let io = TokioIo::new(upgraded);
                        let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config));
                        // A task of its own: this one's state (the upgrade, the closure) would
                        // otherwise stay beside the session's for the socket's whole life.
                        tokio::spawn(session(ws.await));
                    }
                    Err(e) => tracing::debug!("the upgrade did not complete: {e}"),
                }
            });
        }
        let mut response = Response::default();
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        if let Ok(accept) = HeaderValue::from_str(&self.accept) {
            headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        }
        response
    }
}
