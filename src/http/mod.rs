//! REST routes under `/api/v1/` (PROTOCOL §10), one file per resource, and the one rejection
//! handler that turns warp's own refusals into JSON.

pub mod auth;
pub mod conversations;
pub mod customers;
pub mod error;
pub mod lists;
pub mod logs;
pub mod messages;
pub mod users;

use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::BuildHasher;
use std::net::SocketAddr;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::{Reply, Response};
use warp::{Filter, Rejection};

use self::error::{ApiError, error_response};
use crate::auth::{Identity, TokenKind};
use crate::inbox::InboxError;
use crate::protocol::codes::http as code;
use crate::protocol::pagination::PageRequest;
use crate::state::AppState;
use crate::storage::users::Role;

/// Largest JSON body accepted.
const MAX_BODY: u64 = 64 * 1024;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let health = warp::path!("api" / "v1" / "health")
        .and(warp::get())
        .and(with_state(state))
        .map(|state: AppState| {
            ok(&json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "connections": state.hub.connection_count(),
            }))
        });
    let metrics = warp::path!("metrics")
        .and(warp::get())
        .and(with_state(state))
        .and(peer())
        .and(credentials())
        .then(
            |state: AppState, peer: Option<SocketAddr>, headers: HeaderMap, token| async move {
                let local = state.gate.client_ip(peer, &headers).is_loopback();
                let allowed = if local {
                    Ok(())
                } else {
                    verify_admin(&state, token).await.map(drop)
                };
                respond(allowed.map(|()| {
                    warp::reply::with_header(
                        crate::metrics::render(&state.metrics, &state.hub, &state.store),
                        "content-type",
                        "text/plain; version=0.0.4",
                    )
                    .into_response()
                }))
            },
        );
    health
        .or(metrics)
        .unify()
        .or(auth::routes(state))
        .unify()
        .or(conversations::routes(state))
        .unify()
        .or(messages::routes(state))
        .unify()
        .or(customers::routes(state))
        .unify()
        .or(lists::routes(state))
        .unify()
        .or(users::routes(state))
        .unify()
        .or(logs::routes(state))
        .unify()
        .boxed()
}

/// Hands a clone of the state to a handler.
pub fn with_state(
    state: &AppState,
) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone + use<> {
    let state = state.clone();
    warp::any().map(move || state.clone())
}

/// The caller's credentials: `Authorization: Bearer …`, an `Access` header, or the
/// `HTTP_ACCESS` cookie (PROTOCOL §10.1).
pub fn credentials() -> impl Filter<Extract = (Option<String>,), Error = Infallible> + Clone {
    warp::header::headers_cloned().map(|headers: HeaderMap| token_of(&headers))
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    let strip = |v: &str| {
        let v = v.trim().trim_matches('"');
        v.strip_prefix("Bearer ").unwrap_or(v).trim().to_owned()
    };
    for name in ["authorization", "access"] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            return Some(strip(v)).filter(|t| !t.is_empty());
        }
    }
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "HTTP_ACCESS")
        .map(|(_, v)| strip(v))
        .filter(|t| !t.is_empty())
}

/// The raw body, bounded.
pub fn body() -> impl Filter<Extract = (Bytes,), Error = Rejection> + Clone {
    warp::body::content_length_limit(MAX_BODY).and(warp::body::bytes())
}

pub fn peer() -> impl Filter<Extract = (Option<SocketAddr>, HeaderMap), Error = Infallible> + Clone
{
    crate::listener::peer().and(warp::header::headers_cloned())
}

/// Parses a JSON body, naming the bad field on error.
pub fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if inner.is_data() {
            format!("Invalid field '{path}': {inner}")
        } else {
            "Invalid JSON body".to_owned()
        };
        ApiError::bad_request(code::INVALID_JSON, message)
    })
}

/// The signed-in caller (a valid access token in a header or the cookie), or a 401 answer:
/// part of the route, so no handler can forget it.
pub fn signed_in(
    state: &AppState,
) -> impl Filter<Extract = (Identity,), Error = Rejection> + Clone + use<> {
    with_state(state).and(credentials()).and_then(
        |state: AppState, token: Option<String>| async move {
            verify(&state, token).await.map_err(warp::reject::custom)
        },
    )
}

/// A signed-in admin, or a 401/403 answer.
pub fn admin(
    state: &AppState,
) -> impl Filter<Extract = (Identity,), Error = Rejection> + Clone + use<> {
    with_state(state).and(credentials()).and_then(
        |state: AppState, token: Option<String>| async move {
            verify_admin(&state, token)
                .await
                .map_err(warp::reject::custom)
        },
    )
}

async fn verify(state: &AppState, token: Option<String>) -> Result<Identity, ApiError> {
    let token = token.ok_or(crate::auth::AuthError::NoToken)?;
    Ok(state.auth.verify(&token, TokenKind::Access).await?)
}

/// The signed-in admin behind `token`, for routes that take an admin as one of two ways in.
pub async fn verify_admin(state: &AppState, token: Option<String>) -> Result<Identity, ApiError> {
    let identity = verify(state, token).await?;
    if identity.user.role != Role::Admin {
        return Err(InboxError::Forbidden.into());
    }
    Ok(identity)
}

/// A JSON answer with `status`.
pub fn reply(status: StatusCode, body: &impl serde::Serialize) -> Response {
    warp::reply::with_status(warp::reply::json(body), status).into_response()
}

/// A 200 JSON answer.
pub fn ok(body: &impl serde::Serialize) -> Response {
    reply(StatusCode::OK, body)
}

/// A DRF-style page `{count, next, previous, results}`; `next`/`previous` are links to `path`
/// with the same query parameters and the neighbouring page.
pub fn drf_page<S: BuildHasher>(
    path: &str,
    params: &HashMap<String, String, S>,
    page: PageRequest,
    count: i64,
    results: &impl serde::Serialize,
) -> serde_json::Value {
    let link = |number: i64| {
        let mut query: Vec<(&str, String)> = params
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "page" | "offset"))
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        query.sort();
        query.push(("page", number.to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        )
    };
    let next = (page.offset + page.page_size < count).then(|| link(page.page + 1));
    let previous = (page.offset > 0).then(|| link((page.page - 1).max(1)));
    json!({"count": count, "next": next, "previous": previous, "results": results})
}

/// Query parameters as the `filters` object the socket feeds take.
#[must_use]
pub fn as_filters<S: BuildHasher>(
    params: &HashMap<String, String, S>,
) -> serde_json::Map<String, serde_json::Value> {
    params
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect()
}

/// 201 for something stored now, 200 when an idempotency key found it stored before.
pub fn stored_reply(body: &serde_json::Value, duplicate: bool) -> Response {
    let status = if duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    reply(status, body)
}

/// Turns a handler's result into a response.
pub fn respond(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(Reply::into_response)
}

/// Turns rejections into JSON errors: the routes' own ([`signed_in`], [`admin`]) and warp's (no
/// route, wrong method, body too large).
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    if let Some(refused) = rejection.find::<ApiError>() {
        return Ok(refused.response());
    }
    let (status, code, text) = if rejection.is_not_found() {
        (StatusCode::NOT_FOUND, code::NOT_FOUND, "Not found")
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            code::PAYLOAD_TOO_LARGE,
            "Request body too large",
        )
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            code::METHOD_NOT_ALLOWED,
            "Method not allowed",
        )
    } else if rejection.find::<warp::reject::LengthRequired>().is_some() {
        (
            StatusCode::LENGTH_REQUIRED,
            code::LENGTH_REQUIRED,
            "Content-Length required",
        )
    } else {
        (StatusCode::BAD_REQUEST, code::BAD_REQUEST, "Bad request")
    };
    Ok(error_response(status, code, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warp::http::HeaderValue;

    #[test]
    fn tokens_come_from_header_or_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            HeaderValue::from_static("a=b; HTTP_ACCESS=\"Bearer tok\""),
        );
        assert_eq!(token_of(&h).as_deref(), Some("tok"));
        h.insert("authorization", HeaderValue::from_static("Bearer abc"));
        assert_eq!(token_of(&h).as_deref(), Some("abc"));
        assert_eq!(token_of(&HeaderMap::new()), None);
    }
}
