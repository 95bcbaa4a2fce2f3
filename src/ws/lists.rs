//! What the two list feeds share: the socket's remembered filters, pagination from the
//! connection's query string, and changes coalesced into at most one list frame per socket per
//! [`REFRESH_EVERY`], however many arrive.

use std::future::Future;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::session::{Closing, Feed, Outbox};
use crate::clock;
use crate::hub::{Connection, Membership};
use crate::protocol::Frame;
use crate::protocol::client::Request;
use crate::protocol::filters::FilterError;
use crate::protocol::lists::ListRequest;
use crate::protocol::pagination::int_of;
use crate::protocol::server::{LoadError, ServerFrame, encode};
use crate::state::AppState;
use crate::storage::StoreError;
use crate::storage::users::UserRow;

/// The shortest time between two list frames a socket gets because of server-side changes.
pub const REFRESH_EVERY: Duration = Duration::from_millis(250);

/// Why a list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// A filter had a value that cannot be used.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One list: its group, its requests, how to load a page and its menus.
pub trait ListKind: Send + Sync + 'static {
    /// The feed's client requests.
    type Request: Request + Send + Into<ListRequest>;
    /// The group whose nudges refresh the list.
    const GROUP: &'static str;
    /// Text of the load-failure frame.
    const LOAD_FAILED: &'static str;
    /// Text of the menu-failure frame.
    const OPTIONS_FAILED: &'static str;

    /// The list frame for `filters` as `viewer` sees it.
    fn load(
        state: &AppState,
        viewer: &UserRow,
        filters: &Map<String, Value>,
    ) -> impl Future<Output = Result<Frame, ListError>> + Send;

    /// The filter-menu frame.
    fn options(state: &AppState) -> impl Future<Output = Result<Frame, StoreError>> + Send;

    /// A frame sent once after the first list (the conversation list's `online_users`).
    fn after_snapshot(state: &AppState) -> impl Future<Output = Option<Frame>> + Send;
}

/// A list socket.
pub struct ListFeed<K> {
    state: AppState,
    viewer: UserRow,
    base: Map<String, Value>,
    filters: Map<String, Value>,
    membership: Option<Membership>,
    due: Option<Instant>,
    last_sent: Option<Instant>,
    kind: PhantomData<K>,
}

/// The pagination keys of a connection's query string, as integers (reference §5.2).
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
        self.send(merged, out).await
    }

    async fn send(
        &mut self,
        filters: Map<String, Value>,
        out: &mut Outbox<'_>,
    ) -> Result<(), Closing> {
        match K::load(&self.state, &self.viewer, &filters).await {
            Ok(frame) => {
                self.filters = filters;
                self.due = None;
                self.last_sent = Some(Instant::now());
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
        if let Some(frame) = K::after_snapshot(&self.state).await {
            out.send(&frame).await?;
        }
        Ok(())
    }

    async fn handle(&mut self, request: K::Request, out: &mut Outbox<'_>) -> Result<(), Closing> {
        match request.into() {
            ListRequest::Page(filters) => self.request(filters, out).await,
            ListRequest::Search(term) => {
                let filters = Map::from_iter([("search".to_owned(), Value::String(term))]);
                self.request(filters, out).await
            }
            ListRequest::Options => match K::options(&self.state).await {
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
        self.send(filters, out).await
    }

    fn on_nudge(&mut self) {
        if self.due.is_none() {
            let now = Instant::now();
            self.due = Some(self.last_sent.map_or(now, |t| (t + REFRESH_EVERY).max(now)));
        }
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
