//! `/api/v1/message/user-messages` (a filtered message list) and `/api/v1/message/inbound`
//! (a customer message from an integration, PROTOCOL §10).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{
    as_filters, body, credentials, drf_page, parse, require_admin, require_user, respond,
    stored_reply, with_state,
};
use crate::notify;
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest};
use crate::protocol::rules;
use crate::protocol::views::{CustomerView, MessageView};
use crate::state::AppState;
use crate::storage::customers;
use crate::storage::history::{self, MessageQuery};
use crate::storage::inbound::{self, Inbound};

#[derive(Deserialize)]
struct InboundBody {
    source: String,
    source_id: Value,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    client_msg_id: Option<String>,
}

/// The message routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let list = warp::path!("api" / "v1" / "message" / "user-messages")
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .and(warp::query::<HashMap<String, String>>())
        .then(|s, t, q| async move { respond(list(s, t, q).await) });
    let inbound = warp::path!("api" / "v1" / "message" / "inbound")
        .and(warp::post())
        .and(with_state(state))
        .and(warp::header::headers_cloned())
        .and(credentials())
        .and(body())
        .then(|s, h, t, b| async move { respond(receive(s, h, t, b).await) });
    list.or(inbound).unify().boxed()
}

fn flag(value: Option<&String>) -> Result<Option<bool>, ApiError> {
    match value.map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("" | "all") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(ApiError::bad_request(
            "INVALID_FILTER",
            "expected true or false",
        )),
    }
}

async fn list(
    state: AppState,
    token: Option<String>,
    params: HashMap<String, String>,
) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let page = PageRequest::from_filters(&as_filters(&params), DEFAULT_PAGE_SIZE);
    let query = MessageQuery {
        conversation: params
            .get("conversation")
            .filter(|v| !v.is_empty())
            .cloned(),
        kind: params.get("type").filter(|v| !v.is_empty()).cloned(),
        is_answered: flag(params.get("is_answered"))?,
        is_ai_response: flag(params.get("is_ai_response"))?,
        search: params.get("search").filter(|v| !v.is_empty()).cloned(),
        newest_first: params.get("ordering").map(String::as_str) == Some("-created_at"),
    };
    let (rows, count, customers) = state
        .store
        .read(move |c| {
            let (rows, count) = history::search(c, &query, page)?;
            let ids: Vec<i64> = rows.iter().filter_map(|m| m.customer_id).collect();
            Ok((rows, count, customers::by_ids(c, &ids)?))
        })
        .await?;
    let views: HashMap<i64, Arc<CustomerView>> = customers
        .iter()
        .map(|(id, c)| (*id, Arc::new(CustomerView::from(c))))
        .collect();
    let results: Vec<MessageView> = rows
        .iter()
        .map(|m| MessageView::new(m, m.customer_id.and_then(|id| views.get(&id).cloned())))
        .collect();
    let body = drf_page(
        "/api/v1/message/user-messages",
        &params,
        page,
        count,
        &results,
    );
    Ok(warp::reply::json(&body).into_response())
}

async fn receive(
    state: AppState,
    headers: HeaderMap,
    token: Option<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = headers
        .get("x-integration-key")
        .and_then(|v| v.to_str().ok());
    match key {
        Some(key) if constant_time_eq(key.as_bytes(), state.integration_key.as_bytes()) => {}
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_INTEGRATION_KEY",
                "Invalid integration key",
            ));
        }
        None => {
            require_admin(&state, token).await?;
        }
    }
    let form: InboundBody = parse(&body)?;
    let inbound = validate(form)?;
    let key = inbound.client_msg_id.clone();
    let received = state
        .store
        .write(move |c| inbound::receive(c, &inbound))
        .await?;
    let stored = &received.stored;
    if received.customer_created {
        notify::customer_created(&state.hub, &stored.customer);
    }
    notify::message_stored(&state.hub, stored, key.as_deref());
    let body = json!({
        "status": "success",
        "data": {
            "message": MessageView::from(stored),
            "conversation_id": stored.conversation.id,
            "customer_id": stored.customer.id,
            "customer_created": received.customer_created,
            "conversation_created": received.conversation_created,
            "duplicate": stored.duplicate,
        },
    });
    Ok(stored_reply(&body, stored.duplicate))
}

fn validate(form: InboundBody) -> Result<Inbound, ApiError> {
    if !customers::is_source(&form.source) {
        let text = format!("source must be one of {}", customers::SOURCES.join(", "));
        return Err(ApiError::bad_request("INVALID_SOURCE", text));
    }
    let source_id = match form.source_id {
        Value::String(s) if !s.trim().is_empty() && s.len() <= 128 => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(ApiError::bad_request(
                "INVALID_SOURCE_ID",
                "source_id is required",
            ));
        }
    };
    let content = rules::content(&form.content)?;
    let name = |v: Option<String>| {
        v.map(|s| s.trim().chars().take(100).collect::<String>())
            .filter(|s| !s.is_empty())
    };
    Ok(Inbound {
        source: form.source,
        source_id,
        first_name: name(form.first_name),
        last_name: name(form.last_name),
        username: name(form.username),
        content,
        client_msg_id: rules::client_msg_id(form.client_msg_id.as_deref())?,
    })
}

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
