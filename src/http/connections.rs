//! `GET /api/v1/admin/connections`: every open socket and the recent closes with their meaning,
//! for the admin page that answers "why isn't this agent getting messages?" (PROTOCOL §10.6).

use serde_json::{Value, json};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::{admin, ok, with_state};
use crate::hub::{ClosedSocket, OpenSocket};
use crate::protocol::codes::close;
use crate::state::AppState;

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "admin" / "connections")
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .map(|_me, s: AppState| {
            let open: Vec<Value> = s.hub.open_sockets().iter().map(open_view).collect();
            let closes: Vec<Value> = s.hub.recent_closes().iter().map(close_view).collect();
            ok(&json!({"open": open, "recent_closes": closes}))
        })
        .boxed()
}

fn open_view(s: &OpenSocket) -> Value {
    json!({
        "user_id": s.user_id,
        "username": s.info.username,
        "feed": s.info.feed,
        "client_address": s.info.peer,
        "connected_since": s.info.since,
        "queued": s.queued,
        "queue_capacity": s.queue_capacity,
        "last_ping_rtt_ms": s.rtt.map(|d| d.as_secs_f64() * 1000.0),
        "frames_dropped": s.dropped,
    })
}

fn close_view(c: &ClosedSocket) -> Value {
    json!({
        "at": c.at,
        "user_id": c.user_id,
        "username": c.info.username,
        "feed": c.info.feed,
        "client_address": c.info.peer,
        "code": c.code,
        "closed_by": c.by,
        "meaning": close::meaning(c.code),
    })
}
