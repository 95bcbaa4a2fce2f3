//! `/api/v1/message/customer-item/<id>/`: read, edit and delete one customer. Edits refresh the
//! lists; a deletion also closes the chat sockets of the customer's conversations.

use bytes::Bytes;
use serde_json::{Map, Value};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{body, credentials, parse, require_admin, require_user, respond, with_state};
use crate::notify;
use crate::protocol::views::CustomerView;
use crate::state::AppState;
use crate::storage::StoreError;
use crate::storage::customers::{self, CustomerChanges, EDITABLE};

/// The customer routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let item = || warp::path!("api" / "v1" / "message" / "customer-item" / i64);
    let get = item()
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .then(|id, s, t| async move { respond(get(s, t, id).await) });
    let edit = item()
        .and(warp::patch().or(warp::put()).unify())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|id, s, t, b| async move { respond(edit(s, t, id, b).await) });
    let delete = item()
        .and(warp::delete())
        .and(with_state(state))
        .and(credentials())
        .then(|id, s, t| async move { respond(delete(s, t, id).await) });
    get.or(edit).unify().or(delete).unify().boxed()
}

fn not_found(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound("customer") => {
            ApiError::not_found("CUSTOMER_NOT_FOUND", "Customer not found")
        }
        e => e.into(),
    }
}

async fn get(state: AppState, token: Option<String>, id: i64) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let customer = state
        .store
        .read(move |c| customers::get(c, id))
        .await
        .map_err(not_found)?;
    Ok(warp::reply::json(&CustomerView::from(&customer)).into_response())
}

/// Reads the changes of a PATCH/PUT body; unknown keys and wrong types name the key.
fn changes(body: &Map<String, Value>) -> Result<CustomerChanges, ApiError> {
    let invalid = |key: &str, what: &str| {
        ApiError::bad_request("INVALID_FIELD", format!("Invalid field '{key}': {what}"))
    };
    let mut changes = CustomerChanges::default();
    for (key, value) in body {
        if key == "data" {
            if !value.is_object() {
                return Err(invalid(key, "expected an object"));
            }
            changes.data = Some(value.to_string());
            continue;
        }
        let Some(field) = EDITABLE.iter().find(|f| **f == key) else {
            return Err(invalid(key, "not an editable field"));
        };
        let value = match value {
            Value::Null => None,
            Value::String(s) if s.chars().count() <= 250 => Some(s.trim().to_owned()),
            Value::String(_) => return Err(invalid(key, "at most 250 characters")),
            _ => return Err(invalid(key, "expected a string or null")),
        };
        changes.fields.push((field, value));
    }
    Ok(changes)
}

async fn edit(
    state: AppState,
    token: Option<String>,
    id: i64,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let changes = changes(&parse(&body)?)?;
    let customer = state
        .store
        .write(move |c| customers::update(c, id, &changes))
        .await
        .map_err(not_found)?;
    notify::customer_changed(&state.hub);
    Ok(warp::reply::json(&CustomerView::from(&customer)).into_response())
}

async fn delete(state: AppState, token: Option<String>, id: i64) -> Result<Response, ApiError> {
    let admin = require_admin(&state, token).await?;
    let gone = state
        .store
        .write(move |c| customers::delete(c, id))
        .await
        .map_err(not_found)?;
    tracing::info!(
        "{} deleted customer {id} and its {} conversations",
        admin.user.username,
        gone.len()
    );
    for conversation in &gone {
        notify::conversation_deleted(&state.hub, conversation);
    }
    notify::customer_changed(&state.hub);
    Ok(StatusCode::NO_CONTENT.into_response())
}
