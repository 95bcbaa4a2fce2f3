//! REST routes under `/api/v1/` (PROTOCOL §10), one file per resource, and the one rejection
//! handler that turns warp's own refusals into JSON.

mod account;
pub mod auth;
mod caller;
pub mod channels;
mod connections;
pub mod conversations;
pub mod customers;
pub mod error;
mod invites;
pub mod lists;
pub mod logs;
mod media;
pub mod messages;
mod owner;
mod preferences;
pub mod saved_replies;
mod setup;
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

pub use self::caller::{
    admin, credentials, header_credentials, signed_in, signed_in_upload, verify_admin,
};
use self::error::{ApiError, error_response};
use crate::protocol::codes::http as code;
use crate::protocol::pagination::PageRequest;
use crate::state::AppState;

/// Largest JSON body accepted.
const MAX_BODY: u64 = 64 * 1024;

/// Every REST route, for addresses that are not blacklisted.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    not_blacklisted(state).and(api_routes(state)).boxed()
}

/// Refuses every request from a blacklisted address with a JSON answer that says so, which the
/// agent page shows instead of reconnecting its sockets forever.
fn not_blacklisted(
    state: &AppState,
) -> impl Filter<Extract = (), Error = Rejection> + Clone + use<> {
    with_state(state)
        .and(peer())
        .and_then(
            |state: AppState, peer: Option<SocketAddr>, headers: HeaderMap| async move {
                let ip = state.gate.client_ip(peer, &headers);
                if state.gate.is_blacklisted(ip) {
                    let text = format!(
                        "This computer's address ({ip}) is blocked by an administrator of \
                         pilito-box; ask them to unblock it"
                    );
                    return Err(warp::reject::custom(ApiError::new(
                        StatusCode::FORBIDDEN,
                        code::IP_BLACKLISTED,
                        text,
                    )));
                }
                Ok(())
            },
        )
        .untuple_one()
}

fn api_routes(state: &AppState) -> BoxedFilter<(Response,)> {
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
        .and(credentials(state))
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
        .or(channels::routes(state))
        .unify()
        .or(messages::routes(state))
        .unify()
        .or(customers::routes(state))
        .unify()
        .or(lists::routes(state))
        .unify()
        .or(users::routes(state))
        .unify()
        .or(preferences::routes(state))
        .unify()
        .or(account::routes(state))
        .unify()
        .or(connections::routes(state))
        .unify()
        .or(logs::routes(state))
        .unify()
        .or(media::routes(state))
        .unify()
        .or(saved_replies::routes(state))
        .unify()
        .or(owner::routes(state))
        .unify()
        .or(invites::routes(state))
        .unify()
        .or(setup::routes(state))
        .unify()
        .boxed()
}

/// Passes requests whose `Host` is one this server answers for, and refuses the rest with 421
/// before any route sees them: a page served under a stranger's name that resolves here (DNS
/// rebinding) reaches nothing.
pub fn addressed_here(
    state: &AppState,
) -> impl Filter<Extract = (), Error = Rejection> + Clone + use<> {
    with_state(state)
        .and(warp::header::headers_cloned())
        .and_then(|state: AppState, headers: HeaderMap| async move {
            if state.gate.host_allowed(&headers) {
                Ok(())
            } else {
                let text = "This server does not answer for that host name; add it to \
                            allowed_hosts in the configuration";
                Err(warp::reject::custom(ApiError::new(
                    StatusCode::MISDIRECTED_REQUEST,
                    code::HOST_NOT_ALLOWED,
                    text,
                )))
            }
        })
        .untuple_one()
}

/// Hands a clone of the state to a handler.
pub fn with_state(
    state: &AppState,
) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone + use<> {
    let state = state.clone();
    warp::any().map(move || state.clone())
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
