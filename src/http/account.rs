//! `/api/v1/usr/me/password`: every user changes their own password (PROTOCOL §10.2).

use bytes::Bytes;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::error::ApiError;
use super::{body, ok, parse, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::protocol::rest::OwnPasswordBody;
use crate::state::AppState;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "usr" / "me" / "password")
        .and(warp::post())
        .and(signed_in(state))
        .and(with_state(state))
        .and(body())
        .then(|me, s, b| async move { respond(change(s, me, b).await) })
        .boxed()
}

async fn change(state: AppState, me: Identity, body: Bytes) -> Result<Response, ApiError> {
    let form = parse::<OwnPasswordBody>(&body)?;
    let ended = state.inbox.change_own_password(&me, form).await?;
    Ok(ok(&json!({"success": true, "other_sessions_ended": ended})))
}
