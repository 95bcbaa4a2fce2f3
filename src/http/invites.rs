//! `/api/v1/invites/` (PROTOCOL §10.13): an admin makes, lists and revokes invites; anyone with
//! a code checks and redeems it, under the sign-in rate limit. The answer that makes an invite
//! is the only one holding its code, its link and the link's QR code.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::{Reply, Response};

use super::auth::{allow_sign_in, signed_in_reply};
use super::error::ApiError;
use super::owner::same_origin;
use super::{admin, body, ok, parse, peer, reply, respond, with_state};
use crate::auth::Identity;
use crate::protocol::invites::{
    CodeBody, CreatedInviteView, InviteView, NewInviteBody, RedeemBody,
};
use crate::state::AppState;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let create = warp::path!("api" / "v1" / "invites")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|me, s, b| async move { respond(create(s, me, b).await) });
    let list = warp::path!("api" / "v1" / "invites")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            let listed = s.inbox.pending_invites().await.map(|rows| {
                let views: Vec<InviteView> = rows.iter().map(InviteView::from).collect();
                ok(&views)
            });
            respond(listed.map_err(ApiError::from))
        });
    let revoke = warp::path!("api" / "v1" / "invites" / i64)
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|id, me, s: AppState| async move {
            let revoked = s.inbox.revoke_invite(&me, id).await;
            respond(
                revoked
                    .map(|_| StatusCode::NO_CONTENT.into_response())
                    .map_err(ApiError::from),
            )
        });
    let check = warp::path!("api" / "v1" / "invites" / "check")
        .and(warp::post())
        .and(with_state(state))
        .and(peer())
        .and(body())
        .then(|s, p, h, b| async move { respond(check(s, p, h, b).await) });
    let redeem = warp::path!("api" / "v1" / "invites" / "redeem")
        .and(warp::post())
        .and(with_state(state))
        .and(peer())
        .and(body())
        .then(|s, p, h, b| async move { respond(redeem(s, p, h, b).await) });
    create
        .or(list)
        .unify()
        .or(check)
        .unify()
        .or(redeem)
        .unify()
        .or(revoke)
        .unify()
        .boxed()
}

async fn create(state: AppState, me: Identity, body: Bytes) -> Result<Response, ApiError> {
    let form = parse::<NewInviteBody>(&body)?;
    let ttl = Duration::from_secs(state.config.tokens.invite_ttl_secs);
    let made = state.inbox.create_invite(&me, &form, ttl).await?;
    let base = state
        .onboarding
        .as_ref()
        .map_or_else(|| "/".to_owned(), crate::onboarding::Onboarding::address);
    let link = format!("{base}#/invite/{}", made.code);
    let view = CreatedInviteView {
        invite: InviteView::from(&made.invite),
        qr_svg: crate::onboarding::qr_svg(&link),
        code: made.code,
        link,
    };
    Ok(reply(StatusCode::CREATED, &view))
}

async fn check(
    state: AppState,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    allow_sign_in(&state, state.gate.client_ip(peer, &headers))?;
    let form = parse::<CodeBody>(&body)?;
    Ok(ok(&state.inbox.check_invite(&form.code).await?))
}

async fn redeem(
    state: AppState,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ip = state.gate.client_ip(peer, &headers);
    allow_sign_in(&state, ip)?;
    same_origin(&state, &headers)?;
    let form = parse::<RedeemBody>(&body)?;
    let signed_in = state.inbox.redeem_invite(ip, form).await?;
    Ok(signed_in_reply(&state, &signed_in))
}
