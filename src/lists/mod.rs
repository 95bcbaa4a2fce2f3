//! The list builders: a list's filters checked into a query, the query run over a
//! `&rusqlite::Connection`, and the rows turned into the list socket's frame or REST's views.
//! No sockets, no HTTP, no store handle: the list sockets (`ws::lists`), REST (`http::lists`)
//! and `pilito-box bench lists` call them wherever they read. May use `protocol` (filters,
//! views, frames), `storage` (the list queries) and `clock`; never `ws`, `http`, `hub` or warp.

pub mod conversations;
pub mod customers;
pub mod shared;

use serde_json::{Map, Value};

use crate::protocol::filters::FilterError;
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest};
use crate::storage::StoreError;

/// Why a list could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// A filter had a value that cannot be used.
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One loaded page of a list.
#[derive(Debug, Clone)]
pub struct Loaded<R> {
    /// The page's rows, in the list's order.
    pub rows: Vec<R>,
    /// How many rows match the filters on every page.
    pub count: i64,
    /// The page that was asked for.
    pub page: PageRequest,
}

impl<R> Loaded<R> {
    /// The rows as wire views (`ConversationView`s for the socket and REST alike).
    pub fn views<'a, V: From<&'a R>>(&'a self) -> Vec<V> {
        self.rows.iter().map(V::from).collect()
    }
}

/// The page a list request asks for: `page`, `page_size` (or `limit`) and `offset` of its
/// filters, ten rows when it names none.
fn page_of(filters: &Map<String, Value>) -> PageRequest {
    PageRequest::from_filters(filters, DEFAULT_PAGE_SIZE)
}

/// Rows on a page, as the frame's `page_count`.
fn count_of<T>(views: &[T]) -> i64 {
    i64::try_from(views.len()).unwrap_or(i64::MAX)
}

/// A small workspace both builders' tests read.
#[cfg(test)]
mod fixture {
    use rusqlite::Connection;
    use serde_json::{Map, Value};

    use crate::protocol::Frame;
    use crate::storage::customers::{self, NewCustomer};
    use crate::storage::messages::{self, NewMessage};
    use crate::storage::users::{self, NewUser, Role};
    use crate::storage::{conversations, test_db};

    /// The agent the conversation list is viewed as.
    pub const VIEWER: i64 = 1;

    /// Users 1 (active) and 2 (disabled); customers C0, C1, C2 with one telegram conversation
    /// each: C0's assigned to the viewer, C2's with one unanswered customer message "hi".
    pub fn workspace() -> Connection {
        let conn = test_db();
        for (name, active) in [("ana", true), ("bo", false)] {
            let user = NewUser {
                username: name.into(),
                email: None,
                password_hash: "x".into(),
                role: Role::Agent,
                first_name: None,
                last_name: None,
            };
            let id = users::insert(&conn, &user).unwrap().id;
            users::set_active(&conn, id, active).unwrap();
        }
        for n in 0..3 {
            let new = NewCustomer {
                first_name: Some(format!("C{n}")),
                source: "telegram".into(),
                ..NewCustomer::default()
            };
            let customer = customers::insert(&conn, &new).unwrap();
            let assigned = (n == 0).then_some(VIEWER);
            let c = conversations::insert(&conn, &customer, "telegram", assigned).unwrap();
            if n == 2 {
                let hi = NewMessage {
                    conversation_id: c.id,
                    kind: "customer".into(),
                    content: "hi".into(),
                    sender_user_id: None,
                    client_msg_id: None,
                };
                messages::insert(&conn, &hi).unwrap();
            }
        }
        conn
    }

    /// A `filters` object from JSON.
    pub fn filters(v: &Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    pub fn json(frame: &Frame) -> Value {
        serde_json::from_str(frame).unwrap()
    }
}
