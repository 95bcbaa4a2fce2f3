//! `/api/v1/message/conversation…`: read, delete, send into, and change the status of one
//! conversation. Each change publishes what the socket path publishes.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{body, credentials, parse, require_user, respond, stored_reply, with_state};
use crate::notify;
use crate::protocol::rules;
use crate::protocol::views::{ConversationDetail, MessageView};
use crate::state::AppState;
use crate::storage::conversations::ConversationSummary;
use crate::storage::messages::{self, NewMessage};
use crate::storage::users::{self, Role};
use crate::storage::{StoreError, conversations};

#[derive(Deserialize)]
struct Send {
    #[serde(default)]
    content: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    client_msg_id: Option<String>,
}

#[derive(Deserialize)]
struct Assign {
    user_id: Option<i64>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    status: Option<String>,
}

/// The conversation routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let item = || warp::path!("api" / "v1" / "message" / "conversation-item" / String);
    let get = item()
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .then(|id, s, t| async move { respond(get(s, t, id).await) });
    let delete = item()
        .and(warp::delete())
        .and(with_state(state))
        .and(credentials())
        .then(|id, s, t| async move { respond(delete(s, t, id).await) });
    let send = warp::path!("api" / "v1" / "message" / "conversation" / String / "send-message")
        .and(warp::post())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|id, s, t, b| async move { respond(send(s, t, id, b).await) });
    let status = warp::path!("api" / "v1" / "message" / "conversation" / String / "status")
        .and(warp::patch())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|id, s, t, b| async move { respond(status(s, t, id, b).await) });
    let assign = warp::path!("api" / "v1" / "message" / "conversation" / String / "assign")
        .and(warp::patch().or(warp::post()).unify())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|id, s, t, b| async move { respond(assign(s, t, id, b).await) });
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

fn not_found(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound("conversation") => {
            ApiError::not_found("CONVERSATION_NOT_FOUND", "Conversation not found")
        }
        e => e.into(),
    }
}

async fn summary(state: &AppState, id: String) -> Result<ConversationSummary, ApiError> {
    state
        .store
        .read(move |c| conversations::summary(c, &id))
        .await
        .map_err(not_found)
}

async fn get(state: AppState, token: Option<String>, id: String) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let conversation = ConversationDetail::from(&summary(&state, id).await?);
    Ok(warp::reply::json(&conversation).into_response())
}

async fn delete(state: AppState, token: Option<String>, id: String) -> Result<Response, ApiError> {
    let caller = require_user(&state, token).await?;
    let target = id.clone();
    let row = state
        .store
        .read(move |c| conversations::get(c, &target))
        .await
        .map_err(not_found)?;
    if caller.user.role != Role::Admin && row.user_id != Some(caller.user.id) {
        return Err(ApiError::forbidden());
    }
    let target = id.clone();
    state
        .store
        .write(move |c| conversations::delete(c, &target))
        .await
        .map_err(not_found)?;
    tracing::info!("{} deleted conversation {id}", caller.user.username);
    notify::conversation_deleted(&state.hub, &id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn send(
    state: AppState,
    token: Option<String>,
    id: String,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = require_user(&state, token).await?;
    let form: Send = parse(&body)?;
    let content = rules::content(form.content.as_deref().unwrap_or_default())?;
    let kind = form.kind.unwrap_or_else(|| "support".to_owned());
    if !["support", "marketing"].contains(&kind.as_str()) {
        let text = "Message type must be \"support\" or \"marketing\"";
        return Err(ApiError::bad_request("INVALID_TYPE", text));
    }
    let new = NewMessage {
        conversation_id: id.clone(),
        kind,
        content,
        sender_user_id: Some(caller.user.id),
        client_msg_id: rules::client_msg_id(form.client_msg_id.as_deref())?,
    };
    let key = new.client_msg_id.clone();
    let stored = state
        .store
        .write(move |c| messages::insert(c, &new))
        .await
        .map_err(not_found)?;
    notify::message_stored(&state.hub, &stored, key.as_deref());
    let body = json!({
        "status": "success",
        "message": "Message sent successfully",
        "data": {
            "message": MessageView::from(&stored),
            "external_send_result": null,
            "conversation_id": id,
            "duplicate": stored.duplicate,
        },
    });
    Ok(stored_reply(&body, stored.duplicate))
}

async fn status(
    state: AppState,
    token: Option<String>,
    id: String,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let form: Status = parse(&body)?;
    let Some(status) = form.status.filter(|s| !s.is_empty()) else {
        return Err(ApiError::bad_request(
            "MISSING_STATUS",
            "status is required",
        ));
    };
    if !conversations::STATUSES.contains(&status.as_str()) {
        let text = format!(
            "Invalid status; expected one of {}",
            conversations::STATUSES.join(", ")
        );
        return Err(ApiError::bad_request("INVALID_STATUS", text));
    }
    let target = id.clone();
    state
        .store
        .write(move |c| conversations::set_status(c, &target, &status))
        .await
        .map_err(not_found)?;
    let summary = summary(&state, id).await?;
    notify::conversation_updated(&state.hub, &summary);
    let conversation = ConversationDetail::from(&summary);
    let body = json!({
        "status": "success",
        "message": "Conversation status updated",
        "data": {"conversation": conversation},
    });
    Ok(warp::reply::json(&body).into_response())
}

async fn assign(
    state: AppState,
    token: Option<String>,
    id: String,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = require_user(&state, token).await?;
    let form: Assign = parse(&body)?;
    if let Some(user_id) = form.user_id {
        let user = state.store.read(move |c| users::get(c, user_id)).await;
        if !matches!(user, Ok(u) if u.is_active) {
            let text = "No active user with that id";
            return Err(ApiError::bad_request("INVALID_USER", text));
        }
    }
    let target = id.clone();
    let summary = state
        .store
        .write(move |c| {
            conversations::assign(c, &target, form.user_id)?;
            conversations::summary(c, &target)
        })
        .await
        .map_err(not_found)?;
    tracing::info!(
        "{} assigned conversation {id} to {:?}",
        caller.user.username,
        form.user_id
    );
    notify::conversation_updated(&state.hub, &summary);
    let body = json!({
        "status": "success",
        "message": "Conversation assigned",
        "data": {"conversation": ConversationDetail::from(&summary), "assigned_to": form.user_id},
    });
    Ok(warp::reply::json(&body).into_response())
}
