//! `/api/v1/usr/`: sign in, refresh, sign out (reference §14 shapes).

use std::net::SocketAddr;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, HeaderValue, StatusCode, header};
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{body, credentials, parse, peer, respond, with_state};
use crate::auth::{AuthError, SignIn, TokenKind, TokenPair};
use crate::protocol::views::UserView;
use crate::state::AppState;

#[derive(Deserialize)]
struct Login {
    #[serde(alias = "username", alias = "email")]
    email_or_username: String,
    password: String,
}

#[derive(Deserialize)]
struct Refresh {
    refresh: String,
}

#[derive(Deserialize, Default)]
struct Logout {
    #[serde(default)]
    refresh: Option<String>,
}

/// The auth routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let login_route = warp::path!("api" / "v1" / "usr" / "login")
        .and(warp::post())
        .and(with_state(state))
        .and(peer())
        .and(body())
        .then(|s, p, h, b| async move { respond(login(s, p, h, b).await) });
    let refresh_route = warp::path!("api" / "v1" / "usr" / "refresh")
        .and(warp::post())
        .and(with_state(state))
        .and(body())
        .then(|s, b| async move { respond(refresh(s, b).await) });
    let refresh_access_route = warp::path!("api" / "v1" / "usr" / "refresh-access")
        .and(warp::post())
        .and(with_state(state))
        .and(body())
        .then(|s, b| async move { respond(refresh(s, b).await) });
    let logout_route = warp::path!("api" / "v1" / "usr" / "logout")
        .and(warp::get().or(warp::post()).unify())
        .and(with_state(state))
        .and(credentials())
        .and(body().or(warp::any().map(Bytes::new)).unify())
        .then(|s, t, b| async move { respond(logout(s, t, b).await) });
    login_route
        .or(refresh_route)
        .unify()
        .or(refresh_access_route)
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
    if let Err(wait) = state.gate.allow_login(ip) {
        let text = "Too many sign-in attempts";
        return Err(ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            text,
            wait,
        ));
    }
    let form: Login = parse(&body)?;
    let name = form.email_or_username.trim().to_owned();
    let (user, known) = match state.auth.sign_in(&name, form.password).await? {
        SignIn::Accepted(user) => (Some(user), None),
        SignIn::Refused { known } => (None, known),
    };
    let Some(user) = user else {
        if let Some(known) = known {
            tracing::info!("failed sign-in as {known:?} from {ip}");
        } else {
            tracing::info!("failed sign-in with an unknown name from {ip}");
        }
        let response = warp::reply::with_status(
            warp::reply::json(&json!({
                "non_field_errors": ["Invalid email/username or password."],
                "error": "Invalid email/username or password.",
                "error_code": "INVALID_CREDENTIALS",
            })),
            StatusCode::BAD_REQUEST,
        )
        .into_response();
        return Ok(response);
    };
    let pair = state.auth.issue_pair(user.id).await?;
    tracing::info!("{} signed in from {ip}", user.username);
    let body = json!({
        "refresh_token": pair.refresh,
        "access_token": pair.access,
        "user_data": UserView::from(&user),
    });
    Ok(with_cookie(
        warp::reply::json(&body).into_response(),
        Some(&pair),
        &state,
    ))
}

/// Both refresh endpoints rotate the refresh token and return the new pair; the original's
/// `refresh` put the access token only in the cookie, which a client may still use.
async fn refresh(state: AppState, body: Bytes) -> Result<Response, ApiError> {
    let refused = || {
        warp::reply::with_status(
            warp::reply::json(&json!({
                "success": false,
                "errors": ["refresh is invalid"],
                "error": "refresh is invalid",
                "error_code": "INVALID_TOKEN",
            })),
            StatusCode::UNAUTHORIZED,
        )
        .into_response()
    };
    let Ok(form) = parse::<Refresh>(&body) else {
        return Ok(refused());
    };
    let pair = match state.auth.refresh(&form.refresh).await {
        Ok(pair) => pair,
        Err(AuthError::Store(e)) => return Err(ApiError::Store(e)),
        Err(_) => return Ok(refused()),
    };
    let body = json!({
        "success": true,
        "data": {"refresh_token": pair.refresh, "access_token": pair.access},
    });
    Ok(with_cookie(
        warp::reply::json(&body).into_response(),
        Some(&pair),
        &state,
    ))
}

async fn logout(state: AppState, token: Option<String>, body: Bytes) -> Result<Response, ApiError> {
    let form: Logout = if body.is_empty() {
        Logout::default()
    } else {
        parse(&body)?
    };
    let presented = [
        (token, TokenKind::Access),
        (form.refresh, TokenKind::Refresh),
    ];
    for (token, kind) in presented {
        let Some(token) = token else { continue };
        match state.auth.verify(&token, kind).await {
            Ok(identity) => {
                if let Some(jti) = identity.jti {
                    state.auth.revoke(jti).await?;
                    tracing::info!("{} signed out", identity.user.username);
                }
            }
            Err(AuthError::Store(e)) => return Err(ApiError::Store(e)),
            Err(_) => {}
        }
    }
    state.revoked.notify_one();
    let body = json!({"success": true, "data": {"message": "Logged out"}});
    Ok(with_cookie(
        warp::reply::json(&body).into_response(),
        None,
        &state,
    ))
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
