//! `/api/v1/message/user-messages` (a filtered message list) and `/api/v1/message/inbound`
//! (a customer message from an integration, PROTOCOL §10).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::error::ApiError;
use super::{
    as_filters, body, credentials, drf_page, ok, parse, respond, signed_in, stored_reply,
    verify_admin, with_state,
};
use crate::inbox::InboundMessage;
use crate::protocol::codes::http as code;
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest};
use crate::protocol::rest::InboundBody;
use crate::protocol::views::{CustomerView, MessageView};
use crate::state::AppState;
use crate::storage::customers;
use crate::storage::history::{self, MessageQuery};

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let list = warp::path!("api" / "v1" / "message" / "user-messages")
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .and(warp::query::<HashMap<String, String>>())
        .then(|_me, s, q| async move { respond(list(s, q).await) });
    let inbound = warp::path!("api" / "v1" / "message" / "inbound")
        .and(warp::post())
        .and(integration(state))
        .and(with_state(state))
        .and(body())
        .then(|s, b| async move { respond(receive(s, b).await) });
    list.or(inbound).unify().boxed()
}

/// An integration presenting the workspace's `X-Integration-Key`, or else a signed-in admin;
/// a wrong key is refused without looking further.
fn integration(state: &AppState) -> impl Filter<Extract = (), Error = Rejection> + Clone + use<> {
    with_state(state)
        .and(warp::header::headers_cloned())
        .and(credentials(state))
        .and_then(
            |state: AppState, headers: HeaderMap, token: Option<String>| async move {
                let key = headers
                    .get("x-integration-key")
                    .and_then(|v| v.to_str().ok());
                let allowed = match key {
                    Some(key)
                        if constant_time_eq(key.as_bytes(), state.integration_key.as_bytes()) =>
                    {
                        Ok(())
                    }
                    Some(_) => Err(ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        code::INVALID_INTEGRATION_KEY,
                        "Invalid integration key",
                    )),
                    None => verify_admin(&state, token).await.map(drop),
                };
                allowed.map_err(warp::reject::custom)
            },
        )
        .untuple_one()
}

fn flag(value: Option<&String>) -> Result<Option<bool>, ApiError> {
    match value.map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("" | "all") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(ApiError::bad_request(
            code::INVALID_FILTER,
            "expected true or false",
        )),
    }
}

async fn list(state: AppState, params: HashMap<String, String>) -> Result<Response, ApiError> {
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
    Ok(ok(&body))
}

async fn receive(state: AppState, body: Bytes) -> Result<Response, ApiError> {
    let message = InboundMessage::try_from(parse::<InboundBody>(&body)?)?;
    let received = state.inbox.receive(message).await?;
    let stored = &received.stored;
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

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
