//! The REST lists the agent page and integrations page through: `user-conversation-full`
//! (conversations) and `customers`, with the same filters as the socket lists, as query
//! parameters, in DRF's `{count, next, previous, results}` shape.

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{as_filters, credentials, drf_page, require_user, respond, with_state};
use crate::protocol::filters;
use crate::protocol::lists::CustomerListView;
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest};
use crate::protocol::views::ConversationDetail;
use crate::state::AppState;
use crate::storage::{conversation_list, customer_list};

type Params = HashMap<String, String>;

/// The list routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let conversations = warp::path!("api" / "v1" / "message" / "user-conversation-full")
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .and(warp::query::<Params>())
        .then(|s, t, q| async move { respond(conversations(s, t, q).await) });
    let customers = warp::path!("api" / "v1" / "message" / "customers")
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .and(warp::query::<Params>())
        .then(|s, t, q| async move { respond(customers(s, t, q).await) });
    conversations.or(customers).unify().boxed()
}

/// The socket lists' filters from query parameters; DRF's `ordering` names `order_by`.
fn filters_of(params: &Params) -> serde_json::Map<String, serde_json::Value> {
    let mut f = as_filters(params);
    if let Some(ordering) = f.remove("ordering") {
        f.entry("order_by").or_insert(ordering);
    }
    f
}

fn invalid(e: &filters::FilterError) -> ApiError {
    ApiError::bad_request("INVALID_FILTER", e.to_string())
}

async fn conversations(
    state: AppState,
    token: Option<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let caller = require_user(&state, token).await?;
    let f = filters_of(&params);
    let query = filters::conversations(&f, caller.user.id).map_err(|e| invalid(&e))?;
    let page = PageRequest::from_filters(&f, DEFAULT_PAGE_SIZE);
    let (rows, count) = state
        .store
        .read(move |c| conversation_list::page(c, &query, page))
        .await?;
    let results: Vec<ConversationDetail> = rows.iter().map(ConversationDetail::from).collect();
    let path = "/api/v1/message/user-conversation-full";
    Ok(warp::reply::json(&drf_page(path, &params, page, count, &results)).into_response())
}

async fn customers(
    state: AppState,
    token: Option<String>,
    params: Params,
) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let f = filters_of(&params);
    let query = filters::customers(&f).map_err(|e| invalid(&e))?;
    let page = PageRequest::from_filters(&f, DEFAULT_PAGE_SIZE);
    let (rows, count) = state
        .store
        .read(move |c| customer_list::page(c, &query, page))
        .await?;
    let results: Vec<CustomerListView> = rows.iter().map(CustomerListView::from).collect();
    let path = "/api/v1/message/customers";
    Ok(warp::reply::json(&drf_page(path, &params, page, count, &results)).into_response())
}
