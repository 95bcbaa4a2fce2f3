//! `/api/v1/message/conversation…`: read, delete, send into, and change the status and the
//! assignment of one conversation, each change through the inbox.

use bytes::Bytes;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{body, ok, parse, respond, signed_in, stored_reply, with_state};
use crate::auth::Identity;
use crate::inbox::{Assignment, Draft, StatusChange};
use crate::protocol::rest::{AssignBody, SendBody, StatusBody};
use crate::protocol::views::{ConversationView, MessageView};
use crate::state::AppState;
use crate::storage::summary;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let item = || warp::path!("api" / "v1" / "message" / "conversation-item" / String);
    let get = item()
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|id, _me, s| async move { respond(get(s, id).await) });
    let delete = item()
        .and(warp::delete())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|id, me, s| async move { respond(delete(s, me, id).await) });
    let send = warp::path!("api" / "v1" / "message" / "conversation" / String / "send-message")
        .and(warp::post())
        .and(signed_in(state))
        .and(with_state(state))
        .and(body())
        .then(|id, me, s, b| async move { respond(send(s, me, id, b).await) });
    let status = warp::path!("api" / "v1" / "message" / "conversation" / String / "status")
        .and(warp::patch())
        .and(signed_in(state))
        .and(with_state(state))
        .and(body())
        .then(|id, _me, s, b| async move { respond(status(s, id, b).await) });
    let assign = warp::path!("api" / "v1" / "message" / "conversation" / String / "assign")
        .and(warp::patch().or(warp::post()).unify())
        .and(signed_in(state))
        .and(with_state(state))
        .and(body())
        .then(|id, me, s, b| async move { respond(assign(s, me, id, b).await) });
    get.or(delete)
        .unify()
        .or(send)
        .unify()
        .or(status)
        .unify()
        .or(assign)
        .unify()
        .boxed()
}

async fn get(state: AppState, id: String) -> Result<Response, ApiError> {
    let found = state.store.read(move |c| summary::summary(c, &id)).await?;
    Ok(ok(&ConversationView::from(&found)))
}

async fn delete(state: AppState, me: Identity, id: String) -> Result<Response, ApiError> {
    state.inbox.delete_conversation(&me, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn send(
    state: AppState,
    me: Identity,
    id: String,
    body: Bytes,
) -> Result<Response, ApiError> {
    let draft = Draft::try_from(parse::<SendBody>(&body)?)?;
    let sent = state.inbox.send_message(&me.user, &id, draft).await?;
    let stored = &sent.stored;
    let body = json!({
        "status": "success",
        "message": "Message sent successfully",
        "data": {
            "message": MessageView::from(stored),
            "external_send_result": crate::protocol::views::send_result(&stored.message),
            "conversation_id": id,
        },
    });
    Ok(stored_reply(&body, stored.duplicate))
}

async fn status(state: AppState, id: String, body: Bytes) -> Result<Response, ApiError> {
    let change = StatusChange::try_from(parse::<StatusBody>(&body)?)?;
    let changed = state.inbox.set_status(&id, change).await?;
    Ok(ok(&json!({
        "status": "success",
        "message": "Conversation status updated",
        "data": {"conversation": ConversationView::from(&changed)},
    })))
}

async fn assign(
    state: AppState,
    me: Identity,
    id: String,
    body: Bytes,
) -> Result<Response, ApiError> {
    let to = Assignment::from(parse::<AssignBody>(&body)?);
    let changed = state.inbox.assign(&me, &id, to).await?;
    Ok(ok(&json!({
        "status": "success",
        "message": "Conversation assigned",
        "data": {
            "conversation": ConversationView::from(&changed),
            "assigned_to": to.user_id(),
        },
    })))
}
