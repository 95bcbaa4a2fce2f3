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
    let skip = warp::path!("api" / "v1" / "setup" / String / "skip")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|step: String, me, s: AppState| async move {
            answer(s.inbox.skip_step(&me, &step, true).await)
        });
    let resume = warp::path!("api" / "v1" / "setup" / String / "resume")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|step: String, me, s: AppState| async move {
            answer(s.inbox.skip_step(&me, &step, false).await)
        });
    let dismiss = warp::path!("api" / "v1" / "setup" / "dismiss")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|me, s: AppState| async move { answer(s.inbox.dismiss_setup(&me, true).await) });
    let reopen = warp::path!("api" / "v1" / "setup" / "show")
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|me, s: AppState| async move { answer(s.inbox.dismiss_setup(&me, false).await) });
    show.or(profile)
        .unify()
        .or(skip)
        .unify()
        .or(resume)
        .unify()
        .or(dismiss)
        .unify()
        .or(reopen)
        .unify()
        .boxed()
}
