//! `/api/v1/message/customer-item/<id>/`: read, edit and delete one customer, the changes
//! through the inbox.

use bytes::Bytes;
use serde_json::{Map, Value};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{admin, body, ok, parse, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::inbox::CustomerEdit;
use crate::protocol::lists::CustomerListView;
use crate::protocol::views::CustomerView;
use crate::state::AppState;
use crate::storage::{customer_list, customers};

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let item = || warp::path!("api" / "v1" / "message" / "customer-item" / i64);
    let get = item()
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|id, _me, s| async move { respond(get(s, id).await) });
    let edit = item()
        .and(warp::patch().or(warp::put()).unify())
        .and(signed_in(state))
        .and(with_state(state))
        .and(body())
        .then(|id, _me, s, b| async move { respond(edit(s, id, b).await) });
    let delete = item()
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|id, me, s| async move { respond(delete(s, me, id).await) });
    let threads = warp::path!("api" / "v1" / "message" / "customer-item" / i64 / "conversations")
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|id, _me, s| async move { respond(threads(s, id).await) });
    get.or(edit)
        .unify()
        .or(delete)
        .unify()
        .or(threads)
        .unify()
        .boxed()
}

/// The customer with every conversation of theirs (`CustomerWithConversations`).
async fn threads(state: AppState, id: i64) -> Result<Response, ApiError> {
    let entry = state
        .store
        .read(move |c| customer_list::entry(c, id))
        .await?;
    Ok(ok(&CustomerListView::from(&entry)))
}

async fn get(state: AppState, id: i64) -> Result<Response, ApiError> {
    let customer = state.store.read(move |c| customers::get(c, id)).await?;
    Ok(ok(&CustomerView::from(&customer)))
}

async fn edit(state: AppState, id: i64, body: Bytes) -> Result<Response, ApiError> {
    let edit = CustomerEdit::try_from(&parse::<Map<String, Value>>(&body)?)?;
    let customer = state.inbox.update_customer(id, edit).await?;
    Ok(ok(&CustomerView::from(&customer)))
}

async fn delete(state: AppState, me: Identity, id: i64) -> Result<Response, ApiError> {
    state.inbox.delete_customer(&me, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
