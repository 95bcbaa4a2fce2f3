//! The agent page, compiled into the binary from `assets/web/`.

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::header;
use warp::reply::{Reply, Response};

const INDEX: &str = include_str!("../assets/web/index.html");

/// `GET /`: the agent page.
pub fn routes() -> BoxedFilter<(Response,)> {
    warp::path::end()
        .and(warp::get())
        .map(|| {
            warp::reply::with_header(warp::reply::html(INDEX), header::CACHE_CONTROL, "no-cache")
                .into_response()
        })
        .boxed()
}
