//! `GET /media/<file>`: the files of messages, to signed-in users (the page's `<img>`, `<audio>`
//! and `<video>` send the sign-in cookie) or to the holder of a signed link. Served with ranges
//! (seeking in a video), privately cached, never sniffed; what is not an image, audio or video
//! is a download and cannot run in the page's origin.

use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::path::Peek;
use warp::reply::{Reply, Response};
use warp::{Filter, Rejection};

use super::caller::{credentials, verify};
use super::error::ApiError;
use super::with_state;
use crate::media;
use crate::protocol::codes::http as code;
use crate::state::AppState;

/// A day: files never change under a name.
const CACHE: &str = "private, max-age=86400, immutable";

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    warp::path("media")
        .and(warp::get().or(warp::head()).unify())
        .and(warp::path::peek())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(credentials(state))
        .and(with_state(state))
        .and_then(allowed)
        .untuple_one()
        .and(warp::fs::dir(state.media.root().to_owned()))
        .map(|file: warp::fs::File| {
            let inline = media::shown_inline(&file.path().to_string_lossy());
            let mut response = file.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            if !inline {
                headers.insert(
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment"),
                );
            }
            response
        })
        .boxed()
}

/// Passes a request for a stored name by a signed-in user or with a valid link for it.
async fn allowed(
    peek: Peek,
    query: String,
    token: Option<String>,
    state: AppState,
) -> Result<(), Rejection> {
    let name = peek.as_str();
    if state.media.path_of(name).is_err() {
        return Err(warp::reject::not_found());
    }
    if query.contains("sig=") {
        return state.media.verify_link(name, &query).map_err(|why| {
            warp::reject::custom(ApiError::new(
                StatusCode::UNAUTHORIZED,
                code::LINK_INVALID,
                format!("{why}; ask for a new link"),
            ))
        });
    }
    verify(&state, token)
        .await
        .map(drop)
        .map_err(warp::reject::custom)
}
