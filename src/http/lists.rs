//! The REST lists the agent page and integrations page through: `user-conversation-full`
//! (conversations) and `customers`, with the same filters as the socket lists, as query
//! parameters, in DRF's `{count, next, previous, results}` shape. The filters, queries and
//! page are the list builders' ([`crate::lists`]); this file only reads the request and shapes
//! the reply.

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{as_filters, credentials, drf_page, require_user, respond, with_state};
use crate::lists;
use crate::protocol::filters;
use crate::protocol::lists::CustomerListView;
use crate::protocol::views::ConversationDetail;
use crate::state::AppState;

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
    let selection =
        lists::conversations::Selection::new(&f, caller.user.id).map_err(|e| invalid(&e))?;
    let loaded = state.store.read(move |c| selection.load(c)).await?;
    let results: Vec<ConversationDetail> = loaded.views();
    let path = "/api/v1/message/user-conversation-full";
    let reply = drf_page(path, &params, loaded.page, loaded.count, &results);
    Ok(warp::reply::json(&reply).into_response())
}

async fn customers(
    state: AppState,
    token: Option<String>,
    params: Params,
) -> Result<Response, ApiError> {
    require_user(&state, token).await?;
    let f = filters_of(&params);
    let selection = lists::customers::Selection::new(&f).map_err(|e| invalid(&e))?;
    let loaded = state.store.read(move |c| selection.load(c)).await?;
    let results: Vec<CustomerListView> = loaded.views();
    let path = "/api/v1/message/customers";
    let reply = drf_page(path, &params, loaded.page, loaded.count, &results);
    Ok(warp::reply::json(&reply).into_response())
}
