//! What the two list feeds share, the socket side only: the socket's remembered filters,
//! pagination from the connection's query string, and changes coalesced into at most one list
//! frame per socket per [`REFRESH_EVERY`], however many arrive. The frames themselves come from
//! the builders in [`crate::lists`].

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection as Db;
use serde_json::{Map, Value};

use super::session::{Closing, Feed, Outbox};
use crate::clock;
use crate::hub::{Connection, Membership};
use crate::lists::ListError;
use crate::lists::shared::{Built, Page, Pages, Shared};
use crate::metrics::Metrics;
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

    /// The feed's pages, built once for every socket that shows the same.
    type Page: Page;

    /// Where the pages of this kind are kept.
    fn shared(pages: &Pages) -> &Shared<Self::Page>;

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
    /// The nudges a refresh's page must have been built after: those there had been when a
    /// nudge made it due, or when the last list was sent while more changes followed its page.
    wanted: u64,
    /// Digest of the last list sent, its timestamp left out: a refresh that would show the
    /// same is not sent.
    shown: Option<u64>,
    kind: PhantomData<K>,
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
            wanted: 0,
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
    /// when it shows something other than the last list sent. A page another socket built
    /// late enough is taken as it is; when changes followed it, another refresh is due.
    async fn send(
        &mut self,
        filters: Map<String, Value>,
        asked: bool,
        out: &mut Outbox<'_>,
    ) -> Result<(), Closing> {
        let viewer = self.viewer.id;
        let key = K::Page::key(viewer, &filters);
        let wanted = if asked {
            self.state.hub.nudges()
        } else {
            self.wanted
        };
        let started = Instant::now();
        let shared = K::shared(&self.state.pages);
        match shared.get_or_build(key, wanted, self.build(&filters)).await {
            Ok((built, fresh)) => {
                let metrics = &self.state.metrics;
                Metrics::bump(if fresh {
                    &metrics.list_pages_built
                } else {
                    &metrics.list_pages_reused
                });
                let now = Instant::now();
                self.last_cost = now - started;
                self.filters = filters;
                self.last_sent = Some(now);
                let newest = self.state.hub.nudges();
                self.wanted = newest;
                self.due = (newest > built.nudges).then(|| now + self.gap());
                let shown = built.page.shown(viewer);
                if !asked && Some(shown.digest) == self.shown {
                    return Ok(());
                }
                self.shown = Some(shown.digest);
                out.send(&shown.frame).await
            }
            Err(ListError::Filter(e)) => out.error(e.to_string()).await,
            Err(ListError::Store(e)) => {
                tracing::error!("could not load a list for {}: {e}", self.viewer.username);
                out.send(&encode(&LoadError::new(K::LOAD_FAILED))).await
            }
        }
    }

    /// Builds the page for `filters` in a snapshot taken after the nudges so far.
    async fn build(&self, filters: &Map<String, Value>) -> Result<Built<K::Page>, ListError> {
        let nudges = self.state.hub.nudges();
        let (viewer, filters) = (self.viewer.id, filters.clone());
        let page = match self
            .state
            .store
            .read(move |c| Ok(K::Page::build(c, viewer, &filters)))
            .await
        {
            Ok(page) => page?,
            Err(e) => return Err(ListError::Store(e)),
        };
        Ok(Built {
            nudges,
            page: Arc::new(page),
        })
    }

    /// The shortest time from one list frame to the next that changes bring.
    fn gap(&self) -> Duration {
        REFRESH_EVERY.max(self.last_cost * COST_FACTOR)
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
            self.wanted = self.wanted.max(self.state.hub.nudges());
            self.due = Some(self.last_sent.map_or(now, |t| (t + self.gap()).max(now)));
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
    fn only_integer_pagination_comes_from_the_query_string() {
        let base = query_pagination("token=abc&page_size=25&page=x&offset=5&search=hi");
        assert_eq!(
            Value::Object(base),
            serde_json::json!({"page_size": 25, "offset": 5})
        );
    }
}
