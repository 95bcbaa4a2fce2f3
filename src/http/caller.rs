//! Who is calling a REST route, as part of the route: the token from a header or the
//! `HTTP_ACCESS` cookie (PROTOCOL §10.1), checked into an [`Identity`] or answered 401/403.
//!
//! A browser attaches the cookie to requests other sites make, so a cookie signs in an unsafe
//! request (anything but GET and HEAD) only when it comes from an allowed `Origin` and, with a
//! body, as JSON (which a foreign form cannot send without the page's consent). Writes are
//! limited per user like a socket's frames.

use warp::http::{HeaderMap, Method, StatusCode, header};
use warp::{Filter, Rejection};

use super::error::ApiError;
use super::with_state;
use crate::auth::{AuthError, Identity, TokenKind};
use crate::inbox::InboxError;
use crate::protocol::codes::http as code;
use crate::state::AppState;
use crate::storage::users::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Header,
    Cookie,
}

fn token_of(headers: &HeaderMap, cookie: bool) -> Option<(String, Source)> {
    let strip = |v: &str| {
        let v = v.trim().trim_matches('"');
        v.strip_prefix("Bearer ").unwrap_or(v).trim().to_owned()
    };
    for name in ["authorization", "access"] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            return Some((strip(v), Source::Header)).filter(|(t, _)| !t.is_empty());
        }
    }
    if !cookie {
        return None;
    }
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "HTTP_ACCESS")
        .map(|(_, v)| (strip(v), Source::Cookie))
        .filter(|(t, _)| !t.is_empty())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// Why a cookie may not sign in this unsafe request, if it may not; `json_only` also asks its
/// body to be JSON (every write but a file upload, whose body is the file).
fn cookie_refusal(state: &AppState, headers: &HeaderMap, json_only: bool) -> Option<ApiError> {
    if !headers.contains_key(header::ORIGIN) || !state.gate.origin_allowed(headers) {
        let text = "A request signed in by cookie must come from this server's page or an \
                    allowed origin";
        return Some(ApiError::new(
            StatusCode::FORBIDDEN,
            code::ORIGIN_NOT_ALLOWED,
            text,
        ));
    }
    let has_body = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|n| n.trim() != "0");
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    (json_only && has_body && !json).then(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::UNSUPPORTED_MEDIA_TYPE,
            "A request signed in by cookie must send its body as application/json",
        )
    })
}

/// The caller's token: `Authorization: Bearer …`, an `Access` header, or the `HTTP_ACCESS`
/// cookie, with the cookie's rules for unsafe requests (a refusal names what is missing).
pub fn credentials(
    state: &AppState,
) -> impl Filter<Extract = (Option<String>,), Error = Rejection> + Clone + use<> {
    credentials_with(state, true)
}

fn credentials_with(
    state: &AppState,
    json_only: bool,
) -> impl Filter<Extract = (Option<String>,), Error = Rejection> + Clone + use<> {
    with_state(state)
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and_then(
            move |state: AppState, method: Method, headers: HeaderMap| async move {
                match token_of(&headers, true) {
                    Some((token, Source::Cookie)) if !is_safe(&method) => {
                        match cookie_refusal(&state, &headers, json_only) {
                            Some(refused) => Err(warp::reject::custom(refused)),
                            None => Ok(Some(token)),
                        }
                    }
                    other => Ok(other.map(|(token, _)| token)),
                }
            },
        )
}

/// The caller's token from a header only, for a request that changes something although its
/// method is GET (the original's logout), which a cookie must not sign in.
pub fn header_credentials()
-> impl Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    warp::header::headers_cloned()
        .map(|headers: HeaderMap| token_of(&headers, false).map(|(token, _)| token))
}

/// The signed-in caller, or a 401 answer (429 past the user's write allowance): part of the
/// route, so no handler can forget it.
pub fn signed_in(
    state: &AppState,
) -> impl Filter<Extract = (Identity,), Error = Rejection> + Clone + use<> {
    signed_in_with(state, true)
}

/// [`signed_in`] for a file upload: a cookie still needs an allowed `Origin`, but the body is
/// the file, not JSON.
pub fn signed_in_upload(
    state: &AppState,
) -> impl Filter<Extract = (Identity,), Error = Rejection> + Clone + use<> {
    signed_in_with(state, false)
}

fn signed_in_with(
    state: &AppState,
    json_only: bool,
) -> impl Filter<Extract = (Identity,), Error = Rejection> + Clone + use<> {
    with_state(state)
        .and(warp::method())
        .and(credentials_with(state, json_only))
        .and_then(
            |state: AppState, method: Method, token: Option<String>| async move {
                let checked = async {
                    let identity = verify(&state, token).await?;
                    if !is_safe(&method) {
                        allow_write(&state, &identity)?;
                    }
                    Ok::<_, ApiError>(identity)
                };
                checked.await.map_err(warp::reject::custom)
            },
        )
}

/// A signed-in admin, or a 401/403 answer.
pub fn admin(
    state: &AppState,
) -> impl Filter<Extract = (Identity,), Error = Rejection> + Clone + use<> {
    signed_in(state).and_then(|identity: Identity| async move {
        if identity.user.role == Role::Admin {
            Ok(identity)
        } else {
            Err(warp::reject::custom(ApiError::from(InboxError::Forbidden)))
        }
    })
}

fn allow_write(state: &AppState, identity: &Identity) -> Result<(), ApiError> {
    state.gate.allow_write(identity.user.id).map_err(|wait| {
        ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            code::RATE_LIMITED,
            "Too many changes at once; slow down",
            wait,
        )
    })
}

pub(super) async fn verify(state: &AppState, token: Option<String>) -> Result<Identity, ApiError> {
    let token = token.ok_or(AuthError::NoToken)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use warp::http::HeaderValue;

    #[test]
    fn tokens_come_from_a_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            HeaderValue::from_static("a=b; HTTP_ACCESS=\"Bearer tok\""),
        );
        assert_eq!(token_of(&h, true), Some(("tok".into(), Source::Cookie)));
        assert_eq!(token_of(&h, false), None);
        h.insert("authorization", HeaderValue::from_static("Bearer abc"));
        assert_eq!(token_of(&h, true), Some(("abc".into(), Source::Header)));
        assert_eq!(token_of(&HeaderMap::new(), true), None);
    }
}
