//! The REST lists the agent page and integrations page through: `user-conversation-full`
//! (conversations) and `customers`, with the same filters as the socket lists, as query
//! parameters, in DRF's `{count, next, previous, results}` shape.

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::error::ApiError;
use super::{as_filters, drf_page, ok, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::protocol::codes::http as code;
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
        .and(signed_in(state))
        .and(with_state(state))
        .and(warp::query::<Params>())
        .then(|me, s, q| async move { respond(conversations(s, me, q).await) });
    let customers = warp::path!("api" / "v1" / "message" / "customers")
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .and(warp::query::<Params>())
        .then(|_me, s, q| async move { respond(customers(s, q).await) });
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
    ApiError::bad_request(code::INVALID_FILTER, e.to_string())
}

async fn conversations(
    state: AppState,
    me: Identity,
    params: Params,
) -> Result<Response, ApiError> {
    let f = filters_of(&params);
    let query = filters::conversations(&f, me.user.id).map_err(|e| invalid(&e))?;
    let page = PageRequest::from_filters(&f, DEFAULT_PAGE_SIZE);
    let (rows, count) = state
        .store
        .read(move |c| conversation_list::page(c, &query, page))
        .await?;
    let results: Vec<ConversationDetail> = rows.iter().map(ConversationDetail::from).collect();
    let path = "/api/v1/message/user-conversation-full";
    Ok(ok(&drf_page(path, &params, page, count, &results)))
}

async fn customers(state: AppState, params: Params) -> Result<Response, ApiError> {
    let f = filters_of(&params);
    let query = filters::customers(&f).map_err(|e| invalid(&e))?;
    let page = PageRequest::from_filters(&f, DEFAULT_PAGE_SIZE);
    let (rows, count) = state
        .store
        .read(move |c| customer_list::page(c, &query, page))
        .await?;
    let results: Vec<CustomerListView> = rows.iter().map(CustomerListView::from).collect();
    let path = "/api/v1/message/customers";
    Ok(ok(&drf_page(path, &params, page, count, &results)))
}
