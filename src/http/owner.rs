//! `/api/v1/setup/owner`: the owner's first visit (PROTOCOL §10.12). The status is public; the
//! password may be chosen only from the pilito-box computer itself: the TCP peer and the client
//! address behind any trusted proxy must both be loopback, so neither a LAN device nor a proxy
//! forwarding one can claim the box.

use std::net::SocketAddr;

use bytes::Bytes;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;

use super::auth::{allow_sign_in, signed_in_reply};
use super::error::ApiError;
use super::{body, ok, parse, peer, respond, with_state};
use crate::protocol::codes::http as code;
use crate::protocol::setup::{OwnerBody, OwnerStatusView};
use crate::state::AppState;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let status = warp::path!("api" / "v1" / "setup" / "owner")
        .and(warp::get())
        .and(with_state(state))
        .and(peer())
        .then(|s, p, h| async move { respond(status(s, p, h).await) });
    let choose = warp::path!("api" / "v1" / "setup" / "owner")
        .and(warp::post())
        .and(with_state(state))
        .and(peer())
        .and(body())
        .then(|s, p, h, b| async move { respond(choose(s, p, h, b).await) });
    status.or(choose).unify().boxed()
}

/// Whether the request comes from this computer: its peer and its client address are loopback.
fn from_here(state: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    peer.is_some_and(|p| p.ip().is_loopback()) && state.gate.client_ip(peer, headers).is_loopback()
}

/// Refuses a browser page of a foreign origin (no `Origin` is not a browser's page).
pub(super) fn same_origin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if state.gate.origin_allowed(headers) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        code::ORIGIN_NOT_ALLOWED,
        "This request must come from this server's page or an allowed origin",
    ))
}

async fn status(
    state: AppState,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let owner = state.inbox.owner_status().await?;
    Ok(ok(&OwnerStatusView {
        needed: owner.needed,
        here: from_here(&state, peer, &headers),
        username: owner.username,
    }))
}

async fn choose(
    state: AppState,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ip = state.gate.client_ip(peer, &headers);
    allow_sign_in(&state, ip)?;
    same_origin(&state, &headers)?;
    let form = parse::<OwnerBody>(&body)?;
    let here = from_here(&state, peer, &headers);
    let signed_in = state.inbox.choose_owner_password(ip, here, form).await?;
    Ok(signed_in_reply(&state, &signed_in))
}
