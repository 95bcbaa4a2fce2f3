//! `/api/v1/usr/profile`, and for admins `/api/v1/usr/users` (add, change role, disable, reset
//! password, remove) and `/api/v1/usr/blacklist`. Disabling, removing or a new password revokes
//! the user's tokens, which closes their open sockets.

use std::net::IpAddr;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{body, credentials, parse, require_admin, require_user, respond, with_state};
use crate::auth::passwords;
use crate::protocol::views::UserView;
use crate::state::AppState;
use crate::storage::tokens::{self, RevokeReason};
use crate::storage::users::{self, NewUser, Role};
use crate::storage::{StoreError, blacklist};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    username: String,
    password: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChanges {
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    is_active: Option<bool>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Blacklisting {
    ip: IpAddr,
    #[serde(default)]
    reason: Option<String>,
}

/// The user and blacklist routes.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let profile = warp::path!("api" / "v1" / "usr" / "profile")
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .then(|s: AppState, t| async move {
            respond(
                require_user(&s, t)
                    .await
                    .map(|me| warp::reply::json(&UserView::from(&me.user)).into_response()),
            )
        });
    let list = warp::path!("api" / "v1" / "usr" / "users")
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .then(|s, t| async move { respond(list(s, t).await) });
    let add = warp::path!("api" / "v1" / "usr" / "users")
        .and(warp::post())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|s, t, b| async move { respond(add(s, t, b).await) });
    let change = warp::path!("api" / "v1" / "usr" / "users" / i64)
        .and(warp::patch())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|id, s, t, b| async move { respond(change(s, t, id, b).await) });
    let remove = warp::path!("api" / "v1" / "usr" / "users" / i64)
        .and(warp::delete())
        .and(with_state(state))
        .and(credentials())
        .then(|id, s, t| async move { respond(remove(s, t, id).await) });
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

fn role(text: Option<&str>) -> Result<Option<Role>, ApiError> {
    text.map(|r| {
        Role::parse(r)
            .ok_or_else(|| ApiError::bad_request("INVALID_ROLE", "role must be admin or agent"))
    })
    .transpose()
}

async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .map_err(|_| ApiError::Store(StoreError::Panicked))?
        .map_err(|e| ApiError::bad_request("WEAK_PASSWORD", e.to_string()))
}

async fn list(state: AppState, token: Option<String>) -> Result<Response, ApiError> {
    require_admin(&state, token).await?;
    let all = state.store.read(users::list).await?;
    let views: Vec<UserView> = all.iter().map(UserView::from).collect();
    Ok(warp::reply::json(&views).into_response())
}

async fn add(state: AppState, token: Option<String>, body: Bytes) -> Result<Response, ApiError> {
    let admin = require_admin(&state, token).await?;
    let form: NewUserBody = parse(&body)?;
    let username = form.username.trim().to_owned();
    if username.is_empty() || username.chars().count() > 150 {
        return Err(ApiError::bad_request(
            "INVALID_USERNAME",
            "username must be 1-150 characters",
        ));
    }
    passwords::check(&username, &form.password)?;
    let new = NewUser {
        username,
        email: form.email.filter(|e| !e.trim().is_empty()),
        password_hash: hash(form.password).await?,
        role: role(form.role.as_deref())?.unwrap_or(Role::Agent),
        first_name: form.first_name,
        last_name: form.last_name,
    };
    let user = state.store.write(move |c| users::insert(c, &new)).await?;
    tracing::info!(
        "{} added {} {}",
        admin.user.username,
        user.role.as_str(),
        user.username
    );
    let body = warp::reply::json(&UserView::from(&user));
    Ok(warp::reply::with_status(body, StatusCode::CREATED).into_response())
}

async fn change(
    state: AppState,
    token: Option<String>,
    id: i64,
    body: Bytes,
) -> Result<Response, ApiError> {
    let admin = require_admin(&state, token).await?;
    let form: UserChanges = parse(&body)?;
    let new_role = role(form.role.as_deref())?;
    let demoting = new_role == Some(Role::Agent) || form.is_active == Some(false);
    state
        .auth
        .check_new_password(id, form.password.as_deref())
        .await?;
    let password = match form.password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let user = state
        .store
        .write(move |c| {
            let before = users::get(c, id)?;
            if demoting && before.role == Role::Admin && users::other_active_admins(c, id)? == 0 {
                return Err(StoreError::Conflict(
                    "the workspace needs at least one active admin".into(),
                ));
            }
            if let Some(role) = new_role {
                users::set_role(c, id, role)?;
            }
            users::set_details(
                c,
                id,
                form.first_name.as_deref(),
                form.last_name.as_deref(),
                form.email.as_deref(),
            )?;
            if let Some(hash) = &password {
                users::set_password(c, id, hash)?;
                tokens::revoke_user(c, id, RevokeReason::Password)?;
            }
            if let Some(active) = form.is_active {
                users::set_active(c, id, active)?;
                if !active {
                    tokens::revoke_user(c, id, RevokeReason::Disabled)?;
                }
            }
            users::get(c, id)
        })
        .await?;
    state.revoked.notify_one();
    tracing::info!("{} changed user {}", admin.user.username, user.username);
    Ok(warp::reply::json(&UserView::from(&user)).into_response())
}

async fn remove(state: AppState, token: Option<String>, id: i64) -> Result<Response, ApiError> {
    let admin = require_admin(&state, token).await?;
    if admin.user.id == id {
        return Err(ApiError::bad_request(
            "CANNOT_REMOVE_SELF",
            "you cannot remove yourself",
        ));
    }
    state
        .store
        .write(move |c| {
            let user = users::get(c, id)?;
            if user.role == Role::Admin && user.is_active && users::other_active_admins(c, id)? == 0
            {
                return Err(StoreError::Conflict(
                    "the workspace needs at least one active admin".into(),
                ));
            }
            users::delete(c, id)?;
            tokens::log_user_removed(c, id)
        })
        .await?;
    state.revoked.notify_one();
    tracing::info!("{} removed user {id}", admin.user.username);
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn blacklist_routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let list = warp::path!("api" / "v1" / "usr" / "blacklist")
        .and(warp::get())
        .and(with_state(state))
        .and(credentials())
        .then(|s: AppState, t| async move {
            let listed = async {
                require_admin(&s, t).await?;
                let entries = s.store.read(blacklist::list).await?;
                let rows: Vec<_> = entries
                    .iter()
                    .map(|e| json!({"ip": e.ip, "reason": e.reason, "created_at": e.created_at}))
                    .collect();
                Ok(warp::reply::json(&rows).into_response())
            };
            respond(listed.await)
        });
    let add = warp::path!("api" / "v1" / "usr" / "blacklist")
        .and(warp::post())
        .and(with_state(state))
        .and(credentials())
        .and(body())
        .then(|s, t, b| async move { respond(blacklist_add(s, t, b).await) });
    let remove = warp::path!("api" / "v1" / "usr" / "blacklist" / String)
        .and(warp::delete())
        .and(with_state(state))
        .and(credentials())
        .then(|ip, s, t| async move { respond(blacklist_remove(s, t, ip).await) });
    list.or(add).unify().or(remove).unify().boxed()
}

async fn reload_blacklist(state: &AppState) -> Result<(), ApiError> {
    let ips = state.store.read(blacklist::addresses).await?;
    state.gate.set_blacklist(ips);
    Ok(())
}

async fn blacklist_add(
    state: AppState,
    token: Option<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let admin = require_admin(&state, token).await?;
    let form: Blacklisting = parse(&body)?;
    let ip = form.ip;
    state
        .store
        .write(move |c| blacklist::add(c, ip, form.reason.as_deref()))
        .await?;
    reload_blacklist(&state).await?;
    tracing::info!("{} blacklisted {ip}", admin.user.username);
    Ok(StatusCode::CREATED.into_response())
}

async fn blacklist_remove(
    state: AppState,
    token: Option<String>,
    ip: String,
) -> Result<Response, ApiError> {
    let admin = require_admin(&state, token).await?;
    let ip: IpAddr = ip
        .parse()
        .map_err(|_| ApiError::bad_request("INVALID_IP", "not an IP address"))?;
    let removed = state.store.write(move |c| blacklist::remove(c, ip)).await?;
    if !removed {
        return Err(ApiError::not_found(
            "NOT_FOUND",
            "that address is not blacklisted",
        ));
    }
    reload_blacklist(&state).await?;
    tracing::info!("{} removed {ip} from the blacklist", admin.user.username);
    Ok(StatusCode::NO_CONTENT.into_response())
}
