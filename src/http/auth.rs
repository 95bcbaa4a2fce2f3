//! `/api/v1/usr/`: sign in, refresh, sign out (PROTOCOL §10 shapes), through the inbox. The
//! two failure shapes of the original (`non_field_errors` for sign-in, `success: false` for
//! refresh) are kept; the cookie the original set is set and cleared here.

use std::net::SocketAddr;

use bytes::Bytes;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::error::ApiError;
use super::{body, credentials, header_credentials, ok, parse, peer, reply, respond, with_state};
use crate::auth::TokenPair;
use crate::inbox::{InboxError, SignIn};
use crate::protocol::codes::http as code;
use crate::protocol::rest::{LoginBody, LogoutBody, RefreshBody};
use crate::protocol::views::UserView;
use crate::state::AppState;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let login_route = warp::path!("api" / "v1" / "usr" / "login")
        .and(warp::post())
        .and(with_state(state))
        .and(peer())
        .and(body())
        .then(|s, p, h, b| async move { respond(login(s, p, h, b).await) });
    let refresh_route = warp::path!("api" / "v1" / "usr" / "refresh")
        .or(warp::path!("api" / "v1" / "usr" / "refresh-access"))
        .unify()
        .and(warp::post())
        .and(with_state(state))
        .and(body())
        .then(|s, b| async move { respond(refresh(s, b).await) });
    let logout_route = warp::path!("api" / "v1" / "usr" / "logout")
        .and(
            (warp::post().and(credentials(state)))
                .or(warp::get().and(header_credentials()))
                .unify(),
        )
        .and(with_state(state))
        .and(body().or(warp::any().map(Bytes::new)).unify())
        .then(|t, s, b| async move { respond(logout(s, t, b).await) });
    login_route
        .or(refresh_route)
        .unify()
        .or(logout_route)
        .unify()
        .boxed()
}

async fn login(
    state: AppState,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ip = state.gate.client_ip(peer, &headers);
    allow_sign_in(&state, ip)?;
    let login = parse::<LoginBody>(&body)?;
    let signed_in = match state.inbox.sign_in(ip, login).await {
        Ok(signed_in) => signed_in,
        Err(e @ InboxError::Invalid { .. }) => {
            let text = e.client(crate::inbox::Action::Request).message;
            return Ok(reply(
                StatusCode::BAD_REQUEST,
                &json!({
                    "non_field_errors": [text],
                    "error": text,
                    "error_code": code::INVALID_CREDENTIALS,
                }),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(signed_in_reply(&state, &signed_in))
}

/// The answer to every sign-in (a password, the owner's first visit, an invite): the token
/// pair and the user, with the `HTTP_ACCESS` cookie.
pub(super) fn signed_in_reply(state: &AppState, signed_in: &SignIn) -> Response {
    let body = json!({
        "refresh_token": signed_in.tokens.refresh,
        "access_token": signed_in.tokens.access,
        "user_data": UserView::from(&signed_in.user),
    });
    with_cookie(ok(&body), Some(&signed_in.tokens), state)
}

/// Takes one sign-in attempt from `ip`'s allowance, or answers 429.
pub(super) fn allow_sign_in(state: &AppState, ip: std::net::IpAddr) -> Result<(), ApiError> {
    state.gate.allow_login(ip).map_err(|wait| {
        ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            code::RATE_LIMITED,
            "Too many sign-in attempts",
            wait,
        )
    })
}

/// Both refresh endpoints rotate the refresh token and return the new pair; the original's
/// `refresh` put the access token only in the cookie, which a client may still use.
async fn refresh(state: AppState, body: Bytes) -> Result<Response, ApiError> {
    let refused = || {
        reply(
            StatusCode::UNAUTHORIZED,
            &json!({
                "success": false,
                "errors": ["refresh is invalid"],
                "error": "refresh is invalid",
                "error_code": code::INVALID_TOKEN,
            }),
        )
    };
    let Ok(form) = parse::<RefreshBody>(&body) else {
        return Ok(refused());
    };
    let pair = match state.inbox.refresh(&form.refresh).await {
        Ok(pair) => pair,
        Err(InboxError::Auth(_)) => return Ok(refused()),
        Err(e) => return Err(e.into()),
    };
    let body = json!({
        "success": true,
        "data": {"refresh_token": pair.refresh, "access_token": pair.access},
    });
    Ok(with_cookie(ok(&body), Some(&pair), &state))
}

async fn logout(state: AppState, token: Option<String>, body: Bytes) -> Result<Response, ApiError> {
    let form: LogoutBody = if body.is_empty() {
        LogoutBody::default()
    } else {
        parse(&body)?
    };
    state.inbox.sign_out(token, form).await?;
    let body = json!({"success": true, "data": {"message": "Logged out"}});
    Ok(with_cookie(ok(&body), None, &state))
}

/// Sets (or, without a pair, clears) the `HTTP_ACCESS` cookie the original set.
fn with_cookie(mut response: Response, pair: Option<&TokenPair>, state: &AppState) -> Response {
    let cookie = match pair {
        Some(pair) => format!(
            "HTTP_ACCESS=\"Bearer {}\"; HttpOnly; SameSite=Lax; Path=/; Max-Age={}",
            pair.access, state.config.tokens.access_ttl_secs
        ),
        None => "HTTP_ACCESS=\"\"; HttpOnly; SameSite=Lax; Path=/; Max-Age=0".to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
