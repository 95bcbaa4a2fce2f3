//! `/api/v1/setup/` (PROTOCOL §10.14): the first-run checklist for admins, the same object the
//! `/ws/wizard-status/` feed sends, and the owner's changes to it. Each change answers with the
//! checklist as it is after it.

use std::sync::Arc;

use bytes::Bytes;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::error::ApiError;
use super::{admin, body, ok, parse, respond, with_state};
use crate::inbox::InboxResult;
use crate::protocol::setup::{ProfileBody, WizardStatus};
use crate::state::AppState;

fn answer(status: InboxResult<Arc<WizardStatus>>) -> Response {
    respond(status.map(|s| ok(&*s)).map_err(ApiError::from))
}

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let show = warp::path!("api" / "v1" / "setup")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move { answer(s.inbox.setup_now().await) });
    let profile = warp::path!("api" / "v1" / "setup" / "profile")
        .and(warp::put())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|me, s: AppState, b: Bytes| async move {
            match parse::<ProfileBody>(&b) {
                Ok(form) => answer(s.inbox.save_profile(&me, form).await),
                Err(e) => respond(Err(e)),
            }
        });
    show.or(profile)
        .unify()
        .or(step(state, "skip", true))
        .unify()
        .or(step(state, "resume", false))
        .unify()
        .or(away(state, "dismiss", true))
        .unify()
        .or(away(state, "show", false))
        .unify()
        .boxed()
}

/// `POST setup/<step>/<verb>`: skips the step (`skip`) or takes it up again.
fn step(state: &AppState, verb: &'static str, skip: bool) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "setup" / String / ..)
        .and(warp::path(verb))
        .and(warp::path::end())
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(move |step: String, me, s: AppState| async move {
            answer(s.inbox.skip_step(&me, &step, skip).await)
        })
        .boxed()
}

/// `POST setup/<verb>`: puts the checklist away (`dismiss`) or brings it back.
fn away(state: &AppState, verb: &'static str, dismissed: bool) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "setup" / ..)
        .and(warp::path(verb))
        .and(warp::path::end())
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(move |me, s: AppState| async move {
            answer(s.inbox.dismiss_setup(&me, dismissed).await)
        })
        .boxed()
}
