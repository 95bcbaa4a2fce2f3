//! The indexer: the writer thread's own job of copying new and changed rows into the search
//! indexes, in transactions of its own, once written rows have waited [`LAG`].

use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

use super::normalize;
use crate::storage::StoreResult;
use crate::storage::sql::Cached;

/// Rows of each kind one indexing transaction takes at most, so a chat write that arrives
/// meanwhile waits for a few milliseconds of indexing, not for the whole backlog.
pub const BATCH: usize = 500;

/// How long written rows wait before the writer indexes them, all of them in one transaction
/// (a transaction per write would make FTS5 write and merge a segment for each).
pub const LAG: Duration = Duration::from_millis(200);

/// The writer's record of whether there may be rows to index, and since when.
#[derive(Debug, Default)]
pub struct Indexer {
    since: Option<Instant>,
}

impl Indexer {
    /// Something was written (anything may have added rows to index).
    pub fn wrote(&mut self) {
        self.since.get_or_insert_with(Instant::now);
    }

    /// Whether rows have waited [`LAG`] already.
    #[must_use]
    pub fn overdue(&self) -> bool {
        self.since.is_some_and(|at| at.elapsed() >= LAG)
    }

    /// Indexes one batch in a transaction of its own. After a full batch there is more to do,
    /// and it stays overdue, so a writer that is never idle alternates write and index batches;
    /// a failure is logged and waits for the next write.
    pub fn run(&mut self, conn: &mut Connection) {
        let result = (|| -> StoreResult<usize> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let done = index_batch(&tx, BATCH)?;
            tx.commit()?;
            Ok(done)
        })();
        match result {
            Ok(done) if done >= BATCH => {}
            Ok(_) => self.since = None,
            Err(e) => {
                tracing::error!("could not update the search index: {e}");
                self.since = None;
            }
        }
    }
}

/// Indexes up to `limit` rows of each kind not yet indexed (messages by seq, then pending
/// customers and conversations); returns the most of any kind, so `limit` means "more to do".
///
/// # Errors
/// When a query fails; nothing of the batch is kept then if the caller rolls back.
pub fn index_batch(conn: &Connection, limit: usize) -> StoreResult<usize> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let messages = index_messages(conn, limit)?;
    let customers = index_customers(conn, limit)?;
    let conversations = index_conversations(conn, limit)?;
    Ok(messages.max(customers).max(conversations))
}

fn index_messages(conn: &Connection, limit: i64) -> StoreResult<usize> {
    let mut select = conn.prepare_cached(
        "SELECT seq, content FROM messages \
         WHERE seq > (SELECT messages_through FROM search_state) ORDER BY seq LIMIT ?1",
    )?;
    let rows: Vec<(i64, String)> = select
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let Some((last, _)) = rows.last() else {
        return Ok(0);
    };
    // Rows past the watermark are never in the index (deleting one takes it out and lowers the
    // watermark), so a plain INSERT: REPLACE would make FTS5 look up and tombstone each rowid.
    let mut insert =
        conn.prepare_cached("INSERT INTO search_messages (rowid, body) VALUES (?1, ?2)")?;
    for (seq, content) in &rows {
        insert.execute(params![seq, normalize(content)])?;
    }
    conn.exec("UPDATE search_state SET messages_through = ?1", [last])?;
    Ok(rows.len())
}

/// Indexes an edited message again at once, in the edit's own transaction (edits are rare; the
/// index must not keep finding the old text). One the indexer has not reached yet is left to it.
///
/// # Errors
/// When a query fails.
pub fn reindex_message(conn: &Connection, seq: i64, content: &str) -> StoreResult<()> {
    let indexed: bool = conn.row(
        "SELECT ?1 <= messages_through FROM search_state",
        [seq],
        |r| r.get(0),
    )?;
    if indexed {
        conn.exec(
            "INSERT OR REPLACE INTO search_messages (rowid, body) VALUES (?1, ?2)",
            params![seq, normalize(content)],
        )?;
    }
    Ok(())
}

type CustomerFields = [Option<String>; 5];

fn index_customers(conn: &Connection, limit: i64) -> StoreResult<usize> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM search_pending_customers LIMIT ?1")?
        .query_map([limit], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        conn.exec("DELETE FROM search_customers WHERE rowid = ?1", [id])?;
        let fields: Option<CustomerFields> = conn
            .row(
                "SELECT first_name, last_name, username, email, phone_number \
                 FROM customers WHERE id = ?1",
                [id],
                |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
            )
            .optional()?;
        if let Some(fields) = fields {
            let [first, last, user, email, phone] = fields.map(|f| f.map(|t| normalize(&t)));
            conn.exec(
                "INSERT INTO search_customers (rowid, first_name, last_name, username, email, \
                 phone_number) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, first, last, user, email, phone],
            )?;
        }
        conn.exec("DELETE FROM search_pending_customers WHERE id = ?1", [id])?;
    }
    Ok(ids.len())
}

fn index_conversations(conn: &Connection, limit: i64) -> StoreResult<usize> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM search_pending_conversations LIMIT ?1")?
        .query_map([limit], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        let key: Option<i64> = conn
            .row(
                "SELECT key FROM search_title_keys WHERE conversation_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(key) = key {
            conn.exec("DELETE FROM search_titles WHERE rowid = ?1", [key])?;
        }
        let title: Option<Option<String>> = conn
            .row("SELECT title FROM conversations WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(title) = title {
            let key = if let Some(key) = key {
                key
            } else {
                conn.exec(
                    "INSERT INTO search_title_keys (conversation_id) VALUES (?1)",
                    [id],
                )?;
                conn.last_insert_rowid()
            };
            conn.exec(
                "INSERT INTO search_titles (rowid, title) VALUES (?1, ?2)",
                params![key, title.map(|t| normalize(&t))],
            )?;
        } else if let Some(key) = key {
            conn.exec("DELETE FROM search_title_keys WHERE key = ?1", [key])?;
        }
        conn.exec(
            "DELETE FROM search_pending_conversations WHERE id = ?1",
            [id],
        )?;
    }
    Ok(ids.len())
}

/// Rows written but not yet indexed (messages counted by their seq range, so this is cheap):
/// zero once the index has caught up.
///
/// # Errors
/// When the query fails.
pub fn backlog(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.row(
        "SELECT max(0, (SELECT coalesce(max(seq), 0) FROM messages) \
           - (SELECT messages_through FROM search_state)) \
         + (SELECT count(*) FROM search_pending_customers) \
         + (SELECT count(*) FROM search_pending_conversations)",
        [],
        |r| r.get(0),
    )?)
}
