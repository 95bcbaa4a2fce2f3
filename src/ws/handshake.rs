//! The upgrade: refusals before it (plain HTTP, PROTOCOL §3.1), authentication failures after it
//! (one `authentication_error` frame, then 4001, §3.2), and the hand-over to a feed.

use std::net::{IpAddr, SocketAddr};

use futures_util::SinkExt;
use tungstenite::Message;
use warp::http::{HeaderMap, HeaderValue, StatusCode};
use warp::reply::{Reply, Response};

use super::Route;
use super::chat::ChatFeed;
use super::conversations::Conversations;
use super::customers::Customers;
use super::lists::ListFeed;
use super::session::{self, Feed, Socket};
use super::upgrade::{Upgrade, WebSocket};
use super::wizard::WizardFeed;
use crate::auth::{AuthError, Identity, TokenKind};
use crate::clock;
use crate::http::error::ApiError;
use crate::hub::{Refusal, SocketInfo};
use crate::inbox::revocations;
use crate::metrics::Metrics;
use crate::protocol::codes::{close, http as code};
use crate::protocol::server::{self, ServerFrame};
use crate::state::AppState;
use crate::storage::conversations;
use crate::storage::users::Role;

/// What the handshake needs from the HTTP request. The query string is only read for the
/// token and is never logged.
pub struct Request {
    /// Path, without the query.
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub peer: Option<SocketAddr>,
    /// The upgrade, if the request asked for one.
    pub upgrade: Option<Upgrade>,
}

/// Answers one socket request: a refusal, a 4001 sequence, or a running feed.
pub async fn handle(state: AppState, req: Request) -> Response {
    let ip = state.gate.client_ip(req.peer, &req.headers);
    match admit(&state, ip, req).await {
        Ok(response) => response,
        Err((path, why)) => {
            Metrics::bump(&state.metrics.handshakes_refused);
            let reason = why.user_text();
            tracing::info!("refused a connection from {ip} to {path}: {reason}");
            why.into_response()
        }
    }
}

async fn admit(state: &AppState, ip: IpAddr, req: Request) -> Result<Response, (String, ApiError)> {
    let path = req.path;
    let fail = |e: ApiError| (path.clone(), e);
    let (route, ws) = screen(state, ip, &path, &req.headers, req.upgrade).map_err(fail)?;
    let max_frame = state.config.limits.max_frame_bytes;
    let (token, protocol) = credentials(&req.query, &req.headers);
    let conversation = match &route {
        Route::Chat(id) => Some(id.clone()),
        _ => None,
    };
    let (identity, exists) = match authenticate(state, token.as_deref(), conversation).await {
        Ok(found) => found,
        Err(AuthError::Store(e)) => return Err(fail(e.into())),
        Err(why) => {
            Metrics::bump(&state.metrics.auth_failures);
            tracing::info!("refused a connection from {ip} to {path}: {why}");
            return Ok(with_protocol(
                ws.accept(max_frame, move |s| reject(s, why)),
                protocol,
            ));
        }
    };
    allowed(&route, identity.user.role).map_err(fail)?;
    if !exists {
        let text = "Conversation not found";
        return Err(fail(ApiError::not_found(
            code::CONVERSATION_NOT_FOUND,
            text,
        )));
    }
    let (conn, rx) = state
        .hub
        .connect(identity.user.id, identity.jti.as_deref())
        .map_err(|r| fail(refusal(r)))?;
    conn.describe(SocketInfo {
        username: identity.user.username.clone(),
        feed: path.clone(),
        peer: ip.to_string(),
        since: clock::now_wire(),
    });
    let (what, message, conversation_id) = match &route {
        Route::Chat(id) => (
            format!("chat {id}"),
            Some(server::CHAT_CONNECTED),
            Some(id.clone()),
        ),
        Route::Conversations => (
            "the conversation list".to_owned(),
            Some(server::CONVERSATIONS_CONNECTED),
            None,
        ),
        Route::Customers => (
            "the customer list".to_owned(),
            Some(server::CUSTOMERS_CONNECTED),
            None,
        ),
        Route::Wizard => ("the setup checklist".to_owned(), None, None),
    };
    let socket = Socket {
        state: state.clone(),
        conn,
        rx,
        expires_at: identity.expires_at,
        peer: ip,
        what,
        username: identity.user.username.clone(),
        welcome: message.map(|message| {
            ServerFrame::ConnectionEstablished {
                message,
                conversation_id,
                timestamp: clock::now_wire(),
            }
            .encode()
        }),
    };
    Metrics::bump(&state.metrics.sockets_accepted);
    let (state, user) = (state.clone(), identity.user);
    let reply = match route {
        Route::Chat(id) => run(ws, max_frame, socket, ChatFeed::new(state, id, user)),
        Route::Conversations => run(
            ws,
            max_frame,
            socket,
            ListFeed::<Conversations>::new(state, user, &req.query),
        ),
        Route::Customers => run(
            ws,
            max_frame,
            socket,
            ListFeed::<Customers>::new(state, user, &req.query),
        ),
        Route::Wizard => run(ws, max_frame, socket, WizardFeed::new(state)),
    };
    Ok(with_protocol(reply, protocol))
}

/// Refuses an agent the admins' feed (the setup checklist).
fn allowed(route: &Route, role: Role) -> Result<(), ApiError> {
    if *route == Route::Wizard && role != Role::Admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            code::PERMISSION_DENIED,
            "The setup checklist is for admins",
        ));
    }
    Ok(())
}

fn run<F: Feed>(ws: Upgrade, max_frame: usize, socket: Socket, feed: F) -> Response {
    ws.accept(max_frame, move |s| session::run(s, socket, feed))
}

/// The refusals that need no credentials, in PROTOCOL §3.1's order.
fn screen(
    state: &AppState,
    ip: IpAddr,
    path: &str,
    headers: &HeaderMap,
    ws: Option<Upgrade>,
) -> Result<(Route, Upgrade), ApiError> {
    if state.gate.is_blacklisted(ip) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            code::IP_BLACKLISTED,
            "IP is blacklisted",
        ));
    }
    if !state.gate.origin_allowed(headers) {
        let text = "Origin not allowed";
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            code::ORIGIN_NOT_ALLOWED,
            text,
        ));
    }
    if let Err(wait) = state.gate.allow_handshake(ip) {
        let text = "Too many connection attempts";
        return Err(ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            code::RATE_LIMITED,
            text,
            wait,
        ));
    }
    if state.hub.connection_count() >= state.config.limits.max_connections {
        return Err(refusal(Refusal::ServerBusy));
    }
    let route = Route::parse(path)
        .ok_or_else(|| ApiError::not_found(code::NOT_FOUND, "No such WebSocket endpoint"))?;
    let ws = ws.ok_or_else(|| {
        let text = "This endpoint speaks WebSocket";
        ApiError::new(StatusCode::UPGRADE_REQUIRED, "UPGRADE_REQUIRED", text)
    })?;
    Ok((route, ws))
}

fn refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::ServerBusy => ApiError::retry(
            StatusCode::SERVICE_UNAVAILABLE,
            code::SERVER_BUSY,
            "Server is at its connection limit",
            std::time::Duration::from_secs(10),
        ),
        Refusal::TooManyForUser => ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            code::TOO_MANY_CONNECTIONS,
            "Too many open connections for this user",
            std::time::Duration::from_secs(30),
        ),
    }
}

/// The token from `?token=` or from a `bearer.<token>` subprotocol (which is then echoed).
fn credentials(query: &str, headers: &HeaderMap) -> (Option<String>, Option<HeaderValue>) {
    let from_query = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v)
        .filter(|t| !t.is_empty());
    if from_query.is_some() {
        return (from_query, None);
    }
    let offered = headers
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(|p| {
            p.strip_prefix("bearer.")
                .map(|t| (t.to_owned(), p.to_owned()))
        });
    match offered {
        Some((token, protocol)) if !token.is_empty() => {
            (Some(token), HeaderValue::from_str(&protocol).ok())
        }
        _ => (None, None),
    }
}

/// Checks the token and, for a chat socket, whether its `conversation` exists (in the same read).
async fn authenticate(
    state: &AppState,
    token: Option<&str>,
    conversation: Option<String>,
) -> Result<(Identity, bool), AuthError> {
    let exists = move |c: &rusqlite::Connection| match &conversation {
        Some(id) => conversations::exists(c, id),
        None => Ok(true),
    };
    match token {
        Some(token) => {
            let auth = &state.auth;
            auth.verify_with(token, TokenKind::Access, exists).await
        }
        None if state.config.dev => {
            let identity = state.auth.dev_user().await?;
            Ok((identity, state.store.read(exists).await?))
        }
        None => Err(AuthError::NoToken),
    }
}

fn with_protocol(reply: impl Reply, protocol: Option<HeaderValue>) -> Response {
    let mut response = reply.into_response();
    if let Some(protocol) = protocol {
        response
            .headers_mut()
            .insert("sec-websocket-protocol", protocol);
    }
    response
}

/// The 4001 sequence: one `authentication_error` frame, then the close.
async fn reject(mut socket: WebSocket, why: AuthError) {
    let frame = revocations::auth_error_frame(&why);
    let send = async {
        socket.send(Message::Text(frame)).await?;
        socket
            .send(session::close_message(close::AUTH, "authentication error"))
            .await
    };
    let _ = tokio::time::timeout(session::CLOSE_GRACE, send).await;
    session::await_close(&mut socket).await;
}
