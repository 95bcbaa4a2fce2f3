//! The REST lists the agent page and integrations page through: `user-conversation-full`
//! (conversations) and `customers`, with the same filters as the socket lists, as query
//! parameters, in DRF's `{count, next, previous, results}` shape. The filters, queries and
//! page are the list builders' ([`crate::lists`]); this file only reads the request and shapes
//! the reply.

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::error::ApiError;
use super::{as_filters, drf_page, ok, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::lists;
use crate::protocol::codes::http as code;
use crate::protocol::filters;
use crate::protocol::lists::CustomerListView;
use crate::protocol::views::ConversationView;
use crate::state::AppState;

type Params = HashMap<String, String>;

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
    let selection =
        lists::conversations::Selection::new(&f, me.user.id).map_err(|e| invalid(&e))?;
    let loaded = state.store.read(move |c| selection.load(c)).await?;
    let results: Vec<ConversationView> = loaded.views();
    let path = "/api/v1/message/user-conversation-full";
    Ok(ok(&drf_page(
        path,
        &params,
        loaded.page,
        loaded.count,
        &results,
    )))
}

async fn customers(state: AppState, params: Params) -> Result<Response, ApiError> {
    let f = filters_of(&params);
    let selection = lists::customers::Selection::new(&f).map_err(|e| invalid(&e))?;
    let loaded = state.store.read(move |c| selection.load(c)).await?;
    let results: Vec<CustomerListView> = loaded.views();
    let path = "/api/v1/message/customers";
    Ok(ok(&drf_page(
        path,
        &params,
        loaded.page,
        loaded.count,
        &results,
    )))
}
