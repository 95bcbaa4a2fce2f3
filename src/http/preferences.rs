//! `/api/v1/usr/me/preferences`: the caller's own page preferences (PROTOCOL §10.2), read and
//! changed through the inbox.

use bytes::Bytes;
use serde_json::Value;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::error::ApiError;
use super::{ok, parse, respond, signed_in, with_state};
use crate::auth::Identity;
use crate::clock;
use crate::inbox::{PreferenceChanges, Preferences};
use crate::protocol::preferences::{MAX_BODY, PreferencesView};
use crate::state::AppState;

/// `GET` and `PUT usr/me/preferences`.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let read = warp::path!("api" / "v1" / "usr" / "me" / "preferences")
        .and(warp::get())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|me: Identity, s: AppState| async move {
            respond(
                s.inbox
                    .preferences(&me)
                    .await
                    .map(|p| ok(&view(p)))
                    .map_err(ApiError::from),
            )
        });
    let change = warp::path!("api" / "v1" / "usr" / "me" / "preferences")
        .and(warp::put())
        .and(signed_in(state))
        .and(with_state(state))
        .and(warp::body::content_length_limit(MAX_BODY).and(warp::body::bytes()))
        .then(|me: Identity, s: AppState, b: Bytes| async move { respond(change(s, me, b).await) });
    read.or(change).unify().boxed()
}

async fn change(state: AppState, me: Identity, body: Bytes) -> Result<Response, ApiError> {
    let changes = PreferenceChanges::try_from(parse::<Value>(&body)?)?;
    let prefs = state.inbox.set_preferences(&me, changes).await?;
    Ok(ok(&view(prefs)))
}

fn view(prefs: Preferences) -> PreferencesView {
    PreferencesView {
        sound: prefs.sound,
        notify: prefs.notify,
        only_mine: prefs.only_mine,
        lang: prefs.lang,
        calendar: prefs.calendar,
        updated_at: prefs.updated_at.as_deref().map(clock::db_to_wire),
    }
}
