//! What the two list feeds share, the socket side only: the socket's remembered filters,
//! pagination from the connection's query string, and changes coalesced into at most one list
//! frame per socket per [`REFRESH_EVERY`], however many arrive. The frames themselves come from
//! the builders in [`crate::lists`].

use std::marker::PhantomData;
use std::time::{Duration, Instant};

use rusqlite::Connection as Db;
use serde_json::{Map, Value};

use super::session::{Closing, Feed, Outbox};
use crate::clock;
use crate::hub::{Connection, Membership};
use crate::lists::ListError;
use crate::protocol::Frame;
use crate::protocol::client::Request;
use crate::protocol::lists::ListRequest;
use crate::protocol::pagination::int_of;
use crate::protocol::server::{LoadError, ServerFrame, encode};
use crate::state::AppState;
use crate::storage::StoreError;
use crate::storage::users::UserRow;

/// The shortest time between two list frames a socket gets because of server-side changes.
pub const REFRESH_EVERY: Duration = Duration::from_millis(250);

/// A refresh waits at least this many times as long as the last one took, so a costly
/// remembered filter (a search scanning every message) uses at most a tenth of a core however
/// many changes arrive.
const COST_FACTOR: u32 = 10;

/// One list socket's kind: its group, its requests, and which of the builders in
/// [`crate::lists`] make its frames (the feed runs them on the reader pool).
pub trait ListKind: Send + Sync + 'static {
    /// The feed's client requests.
    type Request: Request + Send + Into<ListRequest>;
    /// The group whose nudges refresh the list.
    const GROUP: &'static str;
    /// Text of the load-failure frame.
    const LOAD_FAILED: &'static str;
    /// Text of the menu-failure frame.
    const OPTIONS_FAILED: &'static str;

    /// The list frame for `filters` as user `viewer` sees it.
    fn page(conn: &Db, viewer: i64, filters: &Map<String, Value>) -> Result<Frame, ListError>;

    /// The filter-menu frame.
    fn options(conn: &Db) -> Result<Frame, StoreError>;

    /// A frame sent once after the first list (the conversation list's `online_users`).
    fn after_snapshot(conn: &Db, viewer: i64) -> Result<Option<Frame>, StoreError>;
}

pub struct ListFeed<K> {
    state: AppState,
    viewer: UserRow,
    base: Map<String, Value>,
    filters: Map<String, Value>,
    membership: Option<Membership>,
    due: Option<Instant>,
    last_sent: Option<Instant>,
    last_cost: Duration,
    /// Digest of the last list sent, its timestamp left out: a refresh that would show the
    /// same is not sent.
    shown: Option<u64>,
    kind: PhantomData<K>,
}

/// A digest of a list frame without its `timestamp` (its last field), so two lists that show
/// the same rows, counts and filters have the same digest.
fn digest(frame: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let shown = frame
        .rfind(r#","timestamp":"#)
        .map_or(frame, |end| &frame[..end]);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    shown.hash(&mut hasher);
    hasher.finish()
}

/// The pagination keys of a connection's query string, as integers (PROTOCOL §5.1).
#[must_use]
pub fn query_pagination(query: &str) -> Map<String, Value> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "page" | "page_size" | "limit" | "offset"))
        .filter_map(|(k, v)| int_of(&Value::String(v)).map(|n| (k, Value::from(n))))
        .collect()
}

impl<K: ListKind> ListFeed<K> {
    /// A list socket of `viewer`, with pagination from the connection's query string.
    #[must_use]
    pub fn new(state: AppState, viewer: UserRow, query: &str) -> Self {
        Self {
            state,
            viewer,
            base: query_pagination(query),
            filters: Map::new(),
            membership: None,
            due: None,
            last_sent: None,
            last_cost: Duration::ZERO,
            shown: None,
            kind: PhantomData,
        }
    }

    /// Loads and sends the list for the client's `filters` (the query string's pagination
    /// filling in what they lack); on success they become the remembered filters.
    async fn request(
        &mut self,
        filters: Map<String, Value>,
        out: &mut Outbox<'_>,
    ) -> Result<(), Closing> {
        let mut merged = self.base.clone();
        merged.extend(filters);
        self.send(merged, true, out).await
    }

    /// Loads the list for `filters` and sends it: always when `asked`, and for a refresh only
    /// when it shows something other than the last list sent.
    async fn send(
        &mut self,
        filters: Map<String, Value>,
        asked: bool,
        out: &mut Outbox<'_>,
    ) -> Result<(), Closing> {
        let (viewer, wanted) = (self.viewer.id, filters.clone());
        let started = Instant::now();
        let loaded = match self
            .state
            .store
            .read(move |c| Ok(K::page(c, viewer, &wanted)))
            .await
        {
            Ok(result) => result,
            Err(e) => Err(ListError::Store(e)),
        };
        match loaded {
            Ok(frame) => {
                self.filters = filters;
                self.due = None;
                self.last_sent = Some(Instant::now());
                self.last_cost = started.elapsed();
                let shown = Some(digest(&frame));
                if !asked && shown == self.shown {
                    return Ok(());
                }
                self.shown = shown;
                out.send(&frame).await
            }
            Err(ListError::Filter(e)) => out.error(e.to_string()).await,
            Err(ListError::Store(e)) => {
                tracing::error!("could not load a list for {}: {e}", self.viewer.username);
                out.send(&encode(&LoadError::new(K::LOAD_FAILED))).await
            }
        }
    }
}

impl<K: ListKind> Feed for ListFeed<K> {
    type Request = K::Request;

    async fn open(&mut self, conn: &Connection, out: &mut Outbox<'_>) -> Result<(), Closing> {
        self.membership = Some(conn.join(K::GROUP, None));
        self.request(Map::new(), out).await?;
        let viewer = self.viewer.id;
        match self
            .state
            .store
            .read(move |c| K::after_snapshot(c, viewer))
            .await
        {
            Ok(Some(frame)) => out.send(&frame).await,
            Ok(None) => Ok(()),
            Err(e) => {
                tracing::error!("could not load what follows the first list: {e}");
                Ok(())
            }
        }
    }

    async fn handle(&mut self, request: K::Request, out: &mut Outbox<'_>) -> Result<(), Closing> {
        match request.into() {
            ListRequest::Page(filters) => self.request(filters, out).await,
            ListRequest::Search(term) => {
                let filters = Map::from_iter([("search".to_owned(), Value::String(term))]);
                self.request(filters, out).await
            }
            ListRequest::Options => match self.state.store.read(K::options).await {
                Ok(frame) => out.send(&frame).await,
                Err(e) => {
                    tracing::error!("could not load filter options: {e}");
                    out.send(&encode(&LoadError::new(K::OPTIONS_FAILED))).await
                }
            },
            ListRequest::Ping => {
                out.reply(&ServerFrame::Pong {
                    timestamp: clock::now_wire(),
                })
                .await
            }
        }
    }

    fn deadline(&self) -> Option<Instant> {
        self.due
    }

    async fn on_deadline(&mut self, out: &mut Outbox<'_>) -> Result<(), Closing> {
        self.due = None;
        let filters = self.filters.clone();
        self.send(filters, false, out).await
    }

    fn on_nudge(&mut self) {
        if self.due.is_none() {
            let now = Instant::now();
            let gap = REFRESH_EVERY.max(self.last_cost * COST_FACTOR);
            self.due = Some(self.last_sent.map_or(now, |t| (t + gap).max(now)));
        }
    }

    fn wants_nudges(&self) -> bool {
        self.due.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_the_timestamp_only() {
        let at = |t: &str, count: u8| {
            format!(r#"{{"type":"conversations_list","count":{count},"timestamp":"{t}"}}"#)
        };
        assert_eq!(digest(&at("10:00", 1)), digest(&at("10:01", 1)));
        assert_ne!(digest(&at("10:00", 1)), digest(&at("10:00", 2)));
    }

    #[test]
    fn only_integer_pagination_comes_from_the_query_string() {
        let base = query_pagination("token=abc&page_size=25&page=x&offset=5&search=hi");
        assert_eq!(
            Value::Object(base),
            serde_json::json!({"page_size": 25, "offset": 5})
        );
    }
}
