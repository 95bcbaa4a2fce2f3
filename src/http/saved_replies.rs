//! `/api/v1/saved-replies/`: every signed-in user reads the saved replies; admins add, change
//! and remove them through the inbox.

use bytes::Bytes;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{admin, body, ok, parse, reply, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::inbox::ReplyForm;
use crate::protocol::replies::{SavedReplyBody, SavedReplyView};
use crate::state::AppState;
use crate::storage::saved_replies;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let all = || warp::path!("api" / "v1" / "saved-replies");
    let one = || warp::path!("api" / "v1" / "saved-replies" / i64);
    let list = all()
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|_me, s| async move { respond(list(s).await) });
    let add = all()
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|me, s, b| async move { respond(add(s, me, b).await) });
    let change = one()
        .and(warp::patch())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|id, me, s, b| async move { respond(change(s, me, id, b).await) });
    let remove = one()
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|id, me, s| async move { respond(remove(s, me, id).await) });
    list.or(add)
        .unify()
        .or(change)
        .unify()
        .or(remove)
        .unify()
        .boxed()
}

async fn list(state: AppState) -> Result<Response, ApiError> {
    let all = state.store.read(saved_replies::list).await?;
    let views: Vec<SavedReplyView> = all.iter().map(SavedReplyView::from).collect();
    Ok(ok(&views))
}

async fn add(state: AppState, me: Identity, body: Bytes) -> Result<Response, ApiError> {
    let form = ReplyForm::new_reply(&parse::<SavedReplyBody>(&body)?)?;
    let row = state.inbox.add_saved_reply(&me, form).await?;
    Ok(reply(StatusCode::CREATED, &SavedReplyView::from(&row)))
}

async fn change(state: AppState, me: Identity, id: i64, body: Bytes) -> Result<Response, ApiError> {
    let form = ReplyForm::changes(&parse::<SavedReplyBody>(&body)?)?;
    let row = state.inbox.change_saved_reply(&me, id, form).await?;
    Ok(ok(&SavedReplyView::from(&row)))
}

async fn remove(state: AppState, me: Identity, id: i64) -> Result<Response, ApiError> {
    state.inbox.remove_saved_reply(&me, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
