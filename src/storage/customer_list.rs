//! The customer list (PROTOCOL §6.4): one filtered, ordered page of customers with
//! their tags and conversations in a fixed number of queries, whatever the page size.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::PageRequest;
use super::StoreResult;
use super::conversations::{self, ConversationRow, from_row_at};
use super::customers::{self, CustomerRow};
use super::messages::{self, MessageRow};
use super::search;
use super::sql::{self, Where};

/// The orderings clients may ask for, each with its complete ORDER BY (ties: newest customer
/// first; time orderings match an index exactly). Anything else is the default, `-created_at`.
pub const ORDERS: &[(&str, &str)] = &[
    ("created_at", "cu.created_at ASC, cu.id ASC"),
    ("-created_at", "cu.created_at DESC, cu.id DESC"),
    ("updated_at", "cu.updated_at ASC, cu.id ASC"),
    ("-updated_at", "cu.updated_at DESC, cu.id DESC"),
    (
        "first_name",
        "cu.first_name ASC, cu.created_at DESC, cu.id DESC",
    ),
    (
        "-first_name",
        "cu.first_name DESC, cu.created_at DESC, cu.id DESC",
    ),
];

/// A validated customer list request.
#[derive(Debug, Clone, Default)]
pub struct CustomerQuery {
    /// Substring of the names, username, e-mail or phone, as [`search`] matches it.
    pub search: Option<String>,
    /// Exact source.
    pub source: Option<String>,
    /// Has any of these tag names.
    pub tags: Vec<String>,
    /// Has any of these tag ids.
    pub tag_ids: Vec<i64>,
    /// Has (or has not) an e-mail.
    pub has_email: Option<bool>,
    /// Has (or has not) a phone number.
    pub has_phone: Option<bool>,
    /// Has a conversation with this status.
    pub conversation_status: Option<String>,
    /// Has (or has not) a conversation with unanswered customer messages.
    pub has_unread: Option<bool>,
    /// Created at or after (stored form).
    pub created_from: Option<String>,
    /// Created at or before.
    pub created_to: Option<String>,
    /// Changed at or after.
    pub active_from: Option<String>,
    /// Changed at or before.
    pub active_to: Option<String>,
    /// One of [`ORDERS`]' keys; `None` for the default.
    pub order_by: Option<&'static str>,
}

/// A customer with its conversations (newest change first) and their newest messages.
#[derive(Debug, Clone)]
pub struct CustomerEntry {
    /// The customer, with tags.
    pub customer: CustomerRow,
    pub conversations: Vec<(ConversationRow, Option<MessageRow>)>,
}

impl CustomerQuery {
    fn conditions(&self) -> Where {
        let mut w = Where::default();
        if let Some(term) = &self.search {
            let term = search::Term::new(term);
            if let Some((q, p)) = search::customers(&term, search::CustomerFields::NamesAndPhone) {
                w.and(format!("cu.id IN ({q})"), p);
            }
        }
        if let Some(source) = &self.source {
            w.and("cu.source = ?", [sql::text(source)]);
        }
        if !self.tags.is_empty() {
            w.and(
                format!(
                    "cu.id IN (SELECT ct.customer_id FROM customer_tags ct JOIN tags t \
                     ON t.id = ct.tag_id WHERE t.name IN ({}))",
                    sql::marks(self.tags.len())
                ),
                self.tags.iter().map(|t| sql::text(t)),
            );
        }
        if !self.tag_ids.is_empty() {
            w.and(
                format!(
                    "cu.id IN (SELECT customer_id FROM customer_tags WHERE tag_id IN ({}))",
                    sql::marks(self.tag_ids.len())
                ),
                self.tag_ids.iter().map(|t| Value::Integer(*t)),
            );
        }
        for (flag, column) in [(self.has_email, "email"), (self.has_phone, "phone_number")] {
            match flag {
                Some(true) => w.and(format!("coalesce(cu.{column}, '') <> ''"), []),
                Some(false) => w.and(format!("coalesce(cu.{column}, '') = ''"), []),
                None => {}
            }
        }
        if let Some(status) = &self.conversation_status {
            w.and(
                "EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = cu.id AND c.status = ?)",
                [sql::text(status)],
            );
        }
        let unread = "cu.id IN (SELECT customer_id FROM conversations WHERE unread_count > 0)";
        match self.has_unread {
            Some(true) => w.and(unread, []),
            Some(false) => w.and(format!("NOT {unread}"), []),
            None => {}
        }
        let ranges = [
            (&self.created_from, "cu.created_at >= ?"),
            (&self.created_to, "cu.created_at <= ?"),
            (&self.active_from, "cu.updated_at >= ?"),
            (&self.active_to, "cu.updated_at <= ?"),
        ];
        for (value, clause) in ranges {
            if let Some(v) = value {
                w.and(clause, [sql::text(v)]);
            }
        }
        w
    }

    fn order(&self) -> &'static str {
        self.order_by
            .and_then(|key| ORDERS.iter().find(|(k, _)| *k == key))
            .map_or("cu.created_at DESC, cu.id DESC", |(_, sql)| sql)
    }
}

/// One page of customers with their conversations, and the total count.
pub fn page(
    conn: &Connection,
    query: &CustomerQuery,
    page: PageRequest,
) -> StoreResult<(Vec<CustomerEntry>, i64)> {
    let w = query.conditions();
    let sql = format!(
        "SELECT cu.id FROM customers cu {} ORDER BY {} LIMIT ? OFFSET ?",
        w.sql(),
        query.order()
    );
    let ids: Vec<i64> = conn
        .prepare_cached(&sql)?
        .query_map(
            rusqlite::params_from_iter(w.params(&[page.page_size, page.offset])),
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let count = conn
        .prepare_cached(&format!("SELECT count(*) FROM customers cu {}", w.sql()))?
        .query_row(rusqlite::params_from_iter(w.params(&[])), |r| r.get(0))?;
    let mut found = customers::by_ids(conn, &ids)?;
    let mut threads = conversations_of(conn, &ids)?;
    let entries = ids
        .iter()
        .filter_map(|id| {
            Some(CustomerEntry {
                customer: found.remove(id)?,
                conversations: threads.remove(id).unwrap_or_default(),
            })
        })
        .collect();
    Ok((entries, count))
}

/// One customer with their conversations, as a list entry shows them.
pub fn entry(conn: &Connection, id: i64) -> StoreResult<CustomerEntry> {
    let customer = customers::get(conn, id)?;
    let conversations = conversations_of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default();
    Ok(CustomerEntry {
        customer,
        conversations,
    })
}

type Threads = HashMap<i64, Vec<(ConversationRow, Option<MessageRow>)>>;

/// The conversations of several customers with their newest messages, in one query.
fn conversations_of(conn: &Connection, customer_ids: &[i64]) -> StoreResult<Threads> {
    let mut by_customer: Threads = HashMap::new();
    if customer_ids.is_empty() {
        return Ok(by_customer);
    }
    let sql = format!(
        "SELECT {}, {} FROM conversations c LEFT JOIN messages m ON m.seq = c.last_message_seq \
         WHERE c.customer_id IN ({}) ORDER BY c.updated_at DESC, c.id",
        sql::qualified(conversations::COLUMNS, "c"),
        sql::qualified(messages::COLUMNS, "m"),
        sql::marks(customer_ids.len())
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(customer_ids), |row| {
        Ok((
            from_row_at(row, 0)?,
            messages::optional_at(row, conversations::COLUMN_COUNT)?,
        ))
    })?;
    for row in rows {
        let (conversation, last) = row?;
        by_customer
            .entry(conversation.customer_id)
            .or_default()
            .push((conversation, last));
    }
    Ok(by_customer)
}

/// The values the customer filter menus offer (PROTOCOL §6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerOptions {
    /// Up to 10 customer sources.
    pub sources: Vec<String>,
    /// Up to 20 tag names.
    pub tags: Vec<String>,
    /// Up to 10 conversation statuses.
    pub conversation_statuses: Vec<String>,
}

/// The distinct values in use, for the filter menus.
pub fn options(conn: &Connection) -> StoreResult<CustomerOptions> {
    let strings = |sql: &str| -> StoreResult<Vec<String>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let values = stmt.query_map([], |r| r.get(0))?;
        Ok(values.collect::<Result<_, _>>()?)
    };
    Ok(CustomerOptions {
        sources: strings("SELECT DISTINCT source FROM customers ORDER BY 1 LIMIT 10")?,
        tags: strings(
            "SELECT DISTINCT t.name FROM tags t JOIN customer_tags ct ON ct.tag_id = t.id \
             ORDER BY 1 LIMIT 20",
        )?,
        conversation_statuses: strings(
            "SELECT DISTINCT status FROM conversations ORDER BY 1 LIMIT 10",
        )?,
    })
}
