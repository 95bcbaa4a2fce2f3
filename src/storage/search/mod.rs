//! Full-text search: the `SQLite` function that folds text ([`normalize`]), the subqueries the
//! list and message searches filter with, and the writer's indexer (migration 0004 has the
//! tables and says how rows stay findable before they are indexed).
//!
//! A term of three characters or more (after folding) is a trigram index lookup, plus a scan of
//! the rows written since the indexer last ran. A shorter term cannot use a trigram index: it
//! scans only the newest [`SHORT_TERM_ROWS`] rows of each table.

pub(in crate::storage) mod indexer;
pub mod normalize;

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;

pub(super) use indexer::Indexer;
pub use indexer::{backlog, index_batch, reindex_message};
pub use normalize::normalize;

/// The SQL name of [`normalize`].
const FOLD: &str = "pilito_fold";

/// How many of the newest messages, customers and conversations a term of one or two
/// characters is looked for in (older rows are not searched for such a term).
pub const SHORT_TERM_ROWS: i64 = 20_000;

/// Registers the folding function on a connection; every connection that searches or indexes
/// needs it (the store's own connections have it).
///
/// # Errors
/// When `SQLite` refuses the registration.
pub fn install(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        FOLD,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| normalize(&t)))
        },
    )
}

/// A search term, folded, and how it can be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// Folds to nothing: every row contains it.
    All,
    /// Three characters or more: the index finds it.
    Indexed(String),
    /// One or two characters: scanned for in the newest rows.
    Short(String),
}

impl Term {
    /// Folds a user's search text.
    #[must_use]
    pub fn new(raw: &str) -> Self {
        let folded = normalize(raw);
        match normalize::chars(&folded) {
            0 => Self::All,
            1 | 2 => Self::Short(folded),
            _ => Self::Indexed(folded),
        }
    }
}

/// A subquery and the values of its `?`s, in order.
pub type Subquery = (String, Vec<Value>);

/// An FTS5 query for `folded` as one phrase (a substring), limited to `columns` if given.
fn phrase(folded: &str, columns: Option<&str>) -> Value {
    let quoted = format!("\"{}\"", folded.replace('"', "\"\""));
    Value::Text(match columns {
        Some(columns) => format!("{{{columns}}} : {quoted}"),
        None => quoted,
    })
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// `instr(pilito_fold(column), ?) > 0`: the scan's test.
fn contains(column: &str) -> String {
    format!("instr({FOLD}({column}), ?) > 0")
}

/// The seqs of messages whose content contains the term; `None` for [`Term::All`].
#[must_use]
pub fn messages(term: &Term) -> Option<Subquery> {
    match term {
        Term::All => None,
        Term::Indexed(folded) => Some((
            format!(
                "SELECT rowid FROM search_messages WHERE search_messages MATCH ? UNION ALL \
                 SELECT seq FROM messages WHERE seq > (SELECT messages_through FROM search_state) \
                 AND {}",
                contains("content")
            ),
            vec![phrase(folded, None), text(folded)],
        )),
        Term::Short(folded) => Some((
            format!(
                "SELECT seq FROM messages WHERE seq > (SELECT coalesce(max(seq), 0) FROM messages) \
                 - {SHORT_TERM_ROWS} AND {}",
                contains("content")
            ),
            vec![text(folded)],
        )),
    }
}

/// Which customer fields a search looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerFields {
    /// Names, username and e-mail (the conversation list).
    Names,
    /// Those and the phone number (the customer list).
    NamesAndPhone,
}

impl CustomerFields {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Names => &["first_name", "last_name", "username", "email"],
            Self::NamesAndPhone => &[
                "first_name",
                "last_name",
                "username",
                "email",
                "phone_number",
            ],
        }
    }
}

/// The ids of customers one of whose `fields` contains the term; `None` for [`Term::All`].
#[must_use]
pub fn customers(term: &Term, fields: CustomerFields) -> Option<Subquery> {
    let columns = fields.columns();
    let any = |folded: &str| {
        let tests: Vec<String> = columns
            .iter()
            .map(|c| contains(&format!("cu.{c}")))
            .collect();
        (
            format!("({})", tests.join(" OR ")),
            vec![text(folded); columns.len()],
        )
    };
    match term {
        Term::All => None,
        Term::Indexed(folded) => {
            let (scan, mut params) = any(folded);
            params.insert(0, phrase(folded, Some(&columns.join(" "))));
            Some((
                format!(
                    "SELECT rowid FROM search_customers WHERE search_customers MATCH ? \
                     AND rowid NOT IN (SELECT id FROM search_pending_customers) UNION ALL \
                     SELECT cu.id FROM search_pending_customers p CROSS JOIN customers cu \
                     ON cu.id = p.id WHERE {scan}"
                ),
                params,
            ))
        }
        Term::Short(folded) => {
            let (scan, params) = any(folded);
            Some((
                format!(
                    "SELECT cu.id FROM customers cu WHERE cu.id > \
                     (SELECT coalesce(max(id), 0) FROM customers) - {SHORT_TERM_ROWS} AND {scan}"
                ),
                params,
            ))
        }
    }
}

/// The ids of conversations whose title contains the term; `None` for [`Term::All`].
#[must_use]
pub fn titles(term: &Term) -> Option<Subquery> {
    match term {
        Term::All => None,
        Term::Indexed(folded) => Some((
            format!(
                "SELECT k.conversation_id FROM search_title_keys k WHERE k.key IN \
                 (SELECT rowid FROM search_titles WHERE search_titles MATCH ?) \
                 AND k.conversation_id NOT IN (SELECT id FROM search_pending_conversations) \
                 UNION ALL SELECT t.id FROM search_pending_conversations p \
                 CROSS JOIN conversations t ON t.id = p.id WHERE {}",
                contains("t.title")
            ),
            vec![phrase(folded, None), text(folded)],
        )),
        Term::Short(folded) => Some((
            format!(
                "SELECT id FROM conversations WHERE rowid > \
                 (SELECT coalesce(max(rowid), 0) FROM conversations) - {SHORT_TERM_ROWS} AND {}",
                contains("title")
            ),
            vec![text(folded)],
        )),
    }
}

#[cfg(test)]
mod tests;
