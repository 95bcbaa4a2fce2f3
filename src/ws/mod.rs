//! WebSocket feeds: the upgrade and its refusals ([`handshake`]), the socket loop every feed
//! shares ([`session`]), and the feeds themselves ([`chat`], the two lists, [`wizard`]).

pub mod chat;
pub mod conversations;
pub mod customers;
pub mod handshake;
pub mod lists;
pub mod pipeline;
mod rate;
pub mod session;
pub mod upgrade;
pub mod wizard;

use std::net::SocketAddr;

use warp::filters::BoxedFilter;
use warp::http::HeaderMap;
use warp::reply::Response;
use warp::{Filter, path::FullPath};

use crate::listener::{self, UpgradeClaim};
use crate::state::AppState;
use upgrade::Upgrade;

/// Which feed a socket path names (PROTOCOL §2; trailing slash required).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/ws/chat/<conversation_id>/`.
    Chat(String),
    /// `/ws/conversations/`.
    Conversations,
    /// `/ws/customers/`.
    Customers,
    /// `/ws/wizard-status/`: the setup checklist, for admins.
    Wizard,
}

impl Route {
    /// Parses a request path; `None` for paths that name no feed.
    #[must_use]
    pub fn parse(path: &str) -> Option<Self> {
        match path {
            "/ws/conversations/" => return Some(Self::Conversations),
            "/ws/customers/" => return Some(Self::Customers),
            "/ws/wizard-status/" => return Some(Self::Wizard),
            _ => {}
        }
        let id = path.strip_prefix("/ws/chat/")?.strip_suffix('/')?;
        crate::ids::is_valid_public_id(id).then(|| Self::Chat(id.to_owned()))
    }
}

/// Every `GET /ws/...` request, upgrade or not, goes to [`handshake::handle`].
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let state = state.clone();
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::path("ws")
        .and(warp::get())
        .and(warp::path::full())
        .and(query)
        .and(warp::header::headers_cloned())
        .and(listener::peer())
        .and(listener::upgrade_claim())
        .then(
            move |path: FullPath,
                  query: String,
                  headers: HeaderMap,
                  peer: Option<SocketAddr>,
                  claim: Option<UpgradeClaim>| {
                let upgrade = Upgrade::requested(&headers, claim);
                let request = handshake::Request {
                    path: path.as_str().to_owned(),
                    query,
                    headers,
                    peer,
                    upgrade,
                };
                handshake::handle(state.clone(), request)
            },
        )
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_paths_need_the_trailing_slash_and_a_valid_id() {
        assert_eq!(
            Route::parse("/ws/chat/Qm7pTk/"),
            Some(Route::Chat("Qm7pTk".into()))
        );
        assert_eq!(Route::parse("/ws/chat/Qm7pTk"), None);
        assert_eq!(Route::parse("/ws/chat/a-b/"), None);
        assert_eq!(Route::parse("/ws/chat/abcdefghijk/"), None);
        assert_eq!(Route::parse("/ws/nothing/"), None);
        assert_eq!(
            Route::parse("/ws/conversations/"),
            Some(Route::Conversations)
        );
        assert_eq!(Route::parse("/ws/customers"), None);
        assert_eq!(Route::parse("/ws/wizard-status/"), Some(Route::Wizard));
    }
}
