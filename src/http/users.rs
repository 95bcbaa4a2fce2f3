//! `/api/v1/usr/profile`, and for admins `/api/v1/usr/users` (add, change role, disable, reset
//! password, remove) and `/api/v1/usr/blacklist`, the changes through the inbox.

use bytes::Bytes;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{admin, body, ok, parse, peer, reply, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::inbox::{NewUserForm, UserChanges};
use crate::protocol::rest::{BlacklistBody, NewUserBody, UserChangesBody};
use crate::protocol::views::UserView;
use crate::state::AppState;
use crate::storage::{blacklist, users};

/// The user and blacklist routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let profile = warp::path!("api" / "v1" / "usr" / "profile")
        .and(warp::get())
        .and(signed_in(state))
        .map(|me: Identity| ok(&UserView::from(&me.user)));
    let list = warp::path!("api" / "v1" / "usr" / "users")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s| async move { respond(list(s).await) });
    let add = warp::path!("api" / "v1" / "usr" / "users")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|me, s, b| async move { respond(add(s, me, b).await) });
    let change = warp::path!("api" / "v1" / "usr" / "users" / i64)
        .and(warp::patch())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|id, me, s, b| async move { respond(change(s, me, id, b).await) });
    let remove = warp::path!("api" / "v1" / "usr" / "users" / i64)
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|id, me, s: AppState| async move {
            respond(
                s.inbox
                    .remove_user(&me, id)
                    .await
                    .map_err(ApiError::from)
                    .map(|()| StatusCode::NO_CONTENT.into_response()),
            )
        });
    profile
        .or(list)
        .unify()
        .or(add)
        .unify()
        .or(change)
        .unify()
        .or(remove)
        .unify()
        .or(blacklist_routes(state))
        .unify()
        .boxed()
}

async fn list(state: AppState) -> Result<Response, ApiError> {
    let all = state.store.read(users::list).await?;
    let views: Vec<UserView> = all.iter().map(UserView::from).collect();
    Ok(ok(&views))
}

async fn add(state: AppState, me: Identity, body: Bytes) -> Result<Response, ApiError> {
    let form = NewUserForm::try_from(parse::<NewUserBody>(&body)?)?;
    let user = state.inbox.add_user(&me, form).await?;
    Ok(reply(StatusCode::CREATED, &UserView::from(&user)))
}

async fn change(state: AppState, me: Identity, id: i64, body: Bytes) -> Result<Response, ApiError> {
    let changes = UserChanges::try_from(parse::<UserChangesBody>(&body)?)?;
    let user = state.inbox.change_user(&me, id, changes).await?;
    Ok(ok(&UserView::from(&user)))
}

fn blacklist_routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let list = warp::path!("api" / "v1" / "usr" / "blacklist")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            let listed = s.store.read(blacklist::list).await.map(|entries| {
                let rows: Vec<_> = entries
                    .iter()
                    .map(|e| json!({"ip": e.ip, "reason": e.reason, "created_at": e.created_at}))
                    .collect();
                ok(&rows)
            });
            respond(listed.map_err(ApiError::from))
        });
    let add = warp::path!("api" / "v1" / "usr" / "blacklist")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .and(peer())
        .and(body())
        .then(|me, s: AppState, p, h, b: Bytes| async move {
            let added = async {
                let entry = parse::<BlacklistBody>(&b)?;
                let from = s.gate.client_ip(p, &h);
                s.inbox.blacklist_add(&me, from, entry).await?;
                Ok(StatusCode::CREATED.into_response())
            };
            respond(added.await)
        });
    let remove = warp::path!("api" / "v1" / "usr" / "blacklist" / String)
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|ip: String, me, s: AppState| async move {
            let removed = s.inbox.blacklist_remove(&me, &ip).await;
            respond(
                removed
                    .map(|()| StatusCode::NO_CONTENT.into_response())
                    .map_err(ApiError::from),
            )
        });
    list.or(add).unify().or(remove).unify().boxed()
}
