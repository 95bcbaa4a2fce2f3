//! The conversation list (PROTOCOL §5.4): one filtered, ordered page with its
//! customers and newest messages in a fixed number of queries, whatever the page size.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::conversations::{self, from_row_at};
use super::search;
use super::sql::{self, Where};
use super::summary::ConversationSummary;
use super::users::{self, UserRef};
use super::{PageRequest, StoreResult, customers, messages};

/// Whose conversations to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Assigned {
    /// Everyone's.
    #[default]
    Any,
    /// The viewer's.
    Me,
    /// Nobody's.
    Unassigned,
}

/// The orderings clients may ask for, each with its complete ORDER BY: ties fall back to the
/// newest change first, and the time orderings match an index exactly (a repeated term makes
/// `SQLite` sort instead). Anything else is the default, `-updated_at`.
pub const ORDERS: &[(&str, &str)] = &[
    ("created_at", "c.created_at ASC, c.id DESC"),
    ("-created_at", "c.created_at DESC, c.id"),
    ("updated_at", "c.updated_at ASC, c.id DESC"),
    ("-updated_at", "c.updated_at DESC, c.id"),
    ("title", "c.title ASC, c.updated_at DESC, c.id"),
    ("-title", "c.title DESC, c.updated_at DESC, c.id"),
    ("status", "c.status ASC, c.updated_at DESC, c.id"),
    ("-status", "c.status DESC, c.updated_at DESC, c.id"),
    ("priority", "c.priority ASC, c.updated_at DESC, c.id"),
    ("-priority", "c.priority DESC, c.updated_at DESC, c.id"),
];

/// A validated conversation list request.
#[derive(Debug, Clone, Default)]
pub struct ConversationQuery {
    /// Substring of the title, the customer's names or e-mail, or any message, as
    /// [`search`] matches it.
    pub search: Option<String>,
    /// Exact status.
    pub status: Option<String>,
    /// Exact source.
    pub source: Option<String>,
    /// Exact priority.
    pub priority: Option<i64>,
    /// The customer has any of these tags.
    pub tags: Vec<String>,
    /// Created at or after (stored form).
    pub created_from: Option<String>,
    /// Created at or before (stored form).
    pub created_to: Option<String>,
    /// Only conversations with unanswered customer messages.
    pub unread_only: bool,
    /// Assignment relative to the viewer.
    pub assigned: Assigned,
    pub assigned_to: Option<i64>,
    /// One of [`ORDERS`]' keys; `None` for the default.
    pub order_by: Option<&'static str>,
    /// The user looking (for `assigned: me`).
    pub viewer: i64,
}

impl ConversationQuery {
    fn conditions(&self) -> Where {
        let mut w = Where::default();
        if let Some(term) = &self.search {
            let term = search::Term::new(term);
            let parts = [
                search::titles(&term).map(|(q, p)| (format!("c.id IN ({q})"), p)),
                search::customers(&term, search::CustomerFields::Names)
                    .map(|(q, p)| (format!("c.customer_id IN ({q})"), p)),
                search::messages(&term).map(|(q, p)| {
                    (
                        format!(
                            "c.id IN (SELECT conversation_id FROM messages WHERE seq IN ({q}))"
                        ),
                        p,
                    )
                }),
            ];
            let (clauses, params): (Vec<String>, Vec<Vec<Value>>) =
                parts.into_iter().flatten().unzip();
            if !clauses.is_empty() {
                w.and(format!("({})", clauses.join(" OR ")), params.concat());
            }
        }
        if let Some(status) = &self.status {
            w.and("c.status = ?", [sql::text(status)]);
        }
        if let Some(source) = &self.source {
            w.and("c.source = ?", [sql::text(source)]);
        }
        if let Some(priority) = self.priority {
            w.and("c.priority = ?", [Value::Integer(priority)]);
        }
        if !self.tags.is_empty() {
            w.and(
                format!(
                    "c.customer_id IN (SELECT ct.customer_id FROM customer_tags ct \
                     JOIN tags t ON t.id = ct.tag_id WHERE t.name IN ({}))",
                    sql::marks(self.tags.len())
                ),
                self.tags.iter().map(|t| sql::text(t)),
            );
        }
        if let Some(from) = &self.created_from {
            w.and("c.created_at >= ?", [sql::text(from)]);
        }
        if let Some(to) = &self.created_to {
            w.and("c.created_at <= ?", [sql::text(to)]);
        }
        if self.unread_only {
            w.and("c.unread_count > 0", []);
        }
        match self.assigned {
            Assigned::Any => {}
            Assigned::Me => w.and("c.user_id = ?", [Value::Integer(self.viewer)]),
            Assigned::Unassigned => w.and("c.user_id IS NULL", []),
        }
        if let Some(user) = self.assigned_to {
            w.and("c.user_id = ?", [Value::Integer(user)]);
        }
        w
    }

    fn order(&self) -> &'static str {
        self.order_by
            .and_then(|key| ORDERS.iter().find(|(k, _)| *k == key))
            .map_or("c.updated_at DESC, c.id", |(_, sql)| sql)
    }
}

/// One page of conversations with their customers and newest messages, and the total count.
/// The page is chosen from `conversations` alone, then joined to its messages, so an ordering
/// without an index sorts small rows.
pub fn page(
    conn: &Connection,
    query: &ConversationQuery,
    page: PageRequest,
) -> StoreResult<(Vec<ConversationSummary>, i64)> {
    let w = query.conditions();
    let order = query.order();
    let sql = format!(
        "SELECT {}, {} FROM (SELECT * FROM conversations c {} ORDER BY {order} LIMIT ? OFFSET ?) c \
         LEFT JOIN messages m ON m.seq = c.last_message_seq ORDER BY {order}",
        sql::qualified(conversations::COLUMNS, "c"),
        sql::qualified(messages::COLUMNS, "m"),
        w.sql(),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows: Vec<_> = stmt
        .query_map(
            rusqlite::params_from_iter(w.params(&[page.page_size, page.offset])),
            |row| {
                Ok((
                    from_row_at(row, 0)?,
                    messages::optional_at(row, conversations::COLUMN_COUNT)?,
                ))
            },
        )?
        .collect::<Result<_, _>>()?;
    let count = conn
        .prepare_cached(&format!("SELECT count(*) FROM conversations c {}", w.sql()))?
        .query_row(rusqlite::params_from_iter(w.params(&[])), |r| r.get(0))?;
    let ids: Vec<i64> = rows.iter().map(|(c, _)| c.customer_id).collect();
    let customers = customers::by_ids(conn, &ids)?;
    let agents: Vec<i64> = rows.iter().filter_map(|(c, _)| c.user_id).collect();
    let names = users::names(conn, &agents)?;
    let summaries = rows
        .into_iter()
        .filter_map(|(conversation, last_message)| {
            let customer = customers.get(&conversation.customer_id)?.clone();
            let assignee = conversation.user_id.and_then(|id| {
                let name = names.get(&id)?.clone();
                Some(UserRef { id, name })
            });
            Some(ConversationSummary {
                conversation,
                customer,
                last_message,
                assignee,
            })
        })
        .collect();
    Ok((summaries, count))
}

/// The inbox's Mine / Unassigned / All counts: conversations not closed that are the viewer's,
/// nobody's, and anyone's (PROTOCOL §5.2), whatever a list's own filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub mine: i64,
    pub unassigned: i64,
    pub all: i64,
}

/// The conversations not closed, counted by whose they are, in one pass over an index: what
/// every viewer's [`Counts`] are read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenCounts {
    pub all: i64,
    pub unassigned: i64,
    /// By assignee.
    pub assigned: HashMap<i64, i64>,
}

impl OpenCounts {
    /// The counts as `viewer` sees them.
    #[must_use]
    pub fn seen_by(&self, viewer: i64) -> Counts {
        Counts {
            mine: self.assigned.get(&viewer).copied().unwrap_or(0),
            unassigned: self.unassigned,
            all: self.all,
        }
    }
}

pub fn open_counts(conn: &Connection) -> StoreResult<OpenCounts> {
    let sql =
        "SELECT user_id, count(*) FROM conversations WHERE status != 'closed' GROUP BY user_id";
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([])?;
    let mut counts = OpenCounts::default();
    while let Some(row) = rows.next()? {
        let (user, n): (Option<i64>, i64) = (row.get(0)?, row.get(1)?);
        counts.all += n;
        match user {
            Some(user) => {
                counts.assigned.insert(user, n);
            }
            None => counts.unassigned = n,
        }
    }
    Ok(counts)
}

/// The values the filter menus offer (PROTOCOL §5.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationOptions {
    /// Statuses in use.
    pub statuses: Vec<String>,
    /// Sources in use.
    pub sources: Vec<String>,
    /// Priorities in use.
    pub priorities: Vec<i64>,
    /// Tag names of customers that have conversations.
    pub tags: Vec<String>,
}

/// The distinct values in use, for the filter menus.
pub fn options(conn: &Connection) -> StoreResult<ConversationOptions> {
    let strings = |sql: &str| -> StoreResult<Vec<String>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let values = stmt.query_map([], |r| r.get(0))?;
        Ok(values.collect::<Result<_, _>>()?)
    };
    let mut stmt = conn.prepare_cached("SELECT DISTINCT priority FROM conversations ORDER BY 1")?;
    let priorities = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ConversationOptions {
        statuses: strings("SELECT DISTINCT status FROM conversations ORDER BY 1")?,
        sources: strings("SELECT DISTINCT source FROM conversations ORDER BY 1")?,
        priorities,
        tags: strings(
            "SELECT DISTINCT t.name FROM tags t JOIN customer_tags ct ON ct.tag_id = t.id \
             WHERE ct.customer_id IN (SELECT customer_id FROM conversations) ORDER BY 1",
        )?,
    })
}
