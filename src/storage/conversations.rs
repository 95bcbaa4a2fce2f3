//! The `conversations` table: one per customer and source, optionally assigned to an agent.

use super::sql::Cached;
use rusqlite::{Connection, Row, params};

use super::customers::{self, CustomerRow};
use super::{Entity, StoreError, StoreResult, found, is_unique_violation, optional};
use crate::{clock, ids};

/// Conversation statuses (PROTOCOL §5.4).
pub const STATUSES: &[&str] = &["active", "support_active", "marketing_active", "closed"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    /// Public id, 1–10 word characters.
    pub id: String,
    /// The assigned agent, if any.
    pub user_id: Option<i64>,
    pub customer_id: i64,
    pub title: Option<String>,
    /// One of [`STATUSES`].
    pub status: String,
    /// Whether the conversation is active.
    pub is_active: bool,
    pub source: String,
    /// Priority, ≥ 0.
    pub priority: i64,
    pub created_at: String,
    /// Last change (a new message bumps it).
    pub updated_at: String,
    pub last_message_seq: Option<i64>,
    /// Customer messages not yet answered.
    pub unread_count: i64,
}

pub(super) const COLUMNS: &str = "id, user_id, customer_id, title, status, is_active, source, \
     priority, created_at, updated_at, last_message_seq, unread_count";

pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<ConversationRow> {
    from_row_at(row, 0)
}

/// Reads a conversation from [`COLUMNS`] starting at column `at` (for joins).
pub(super) fn from_row_at(row: &Row<'_>, at: usize) -> rusqlite::Result<ConversationRow> {
    Ok(ConversationRow {
        id: row.get(at)?,
        user_id: row.get(at + 1)?,
        customer_id: row.get(at + 2)?,
        title: row.get(at + 3)?,
        status: row.get(at + 4)?,
        is_active: row.get(at + 5)?,
        source: row.get(at + 6)?,
        priority: row.get(at + 7)?,
        created_at: row.get(at + 8)?,
        updated_at: row.get(at + 9)?,
        last_message_seq: row.get(at + 10)?,
        unread_count: row.get(at + 11)?,
    })
}

/// How many columns [`COLUMNS`] has.
pub(super) const COLUMN_COUNT: usize = 12;

/// Creates a conversation for `customer` on `source`, titled as the original did by default.
pub fn insert(
    conn: &Connection,
    customer: &CustomerRow,
    source: &str,
    assigned: Option<i64>,
) -> StoreResult<ConversationRow> {
    if !customers::is_source(source) {
        return Err(StoreError::Conflict(format!("unknown source {source:?}")));
    }
    let title = format!("{source} - {}", customer.display());
    let now = clock::now_db();
    loop {
        let id = ids::public_id();
        let inserted = conn.exec(
            "INSERT INTO conversations (id, user_id, customer_id, title, source, created_at, \
             updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, assigned, customer.id, title, source, now],
        );
        match inserted {
            Ok(_) => return get(conn, &id),
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

pub fn get(conn: &Connection, id: &str) -> StoreResult<ConversationRow> {
    let sql = format!("SELECT {COLUMNS} FROM conversations WHERE id = ?1");
    found(conn.row(&sql, [id], from_row), Entity::Conversation)
}

/// Whether a conversation with this id exists.
pub fn exists(conn: &Connection, id: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM conversations WHERE id = ?1")?
        .exists([id])?)
}

/// The customer's most recently active conversation on `source`, if any.
pub fn find_for_customer(
    conn: &Connection,
    customer_id: i64,
    source: &str,
) -> StoreResult<Option<ConversationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations WHERE customer_id = ?1 AND source = ?2 \
         ORDER BY updated_at DESC, id LIMIT 1"
    );
    optional(conn.row(&sql, params![customer_id, source], from_row))
}

/// Records a new message: bumps `updated_at`, points at the message as the newest, and counts
/// it as unread when a customer wrote it. Returns the conversation after the change.
pub fn record_message(
    conn: &Connection,
    id: &str,
    now: &str,
    seq: i64,
    from_customer: bool,
) -> StoreResult<ConversationRow> {
    let sql = format!(
        "UPDATE conversations SET updated_at = ?2, last_message_seq = ?3, \
         unread_count = unread_count + ?4 WHERE id = ?1 RETURNING {COLUMNS}"
    );
    found(
        conn.prepare_cached(&sql)?
            .query_row(params![id, now, seq, i64::from(from_customer)], from_row),
        Entity::Conversation,
    )
}

/// Sets the unread count to zero (after `mark_read`); returns the conversation.
pub fn clear_unread(conn: &Connection, id: &str) -> StoreResult<ConversationRow> {
    let sql =
        format!("UPDATE conversations SET unread_count = 0 WHERE id = ?1 RETURNING {COLUMNS}");
    found(conn.row(&sql, [id], from_row), Entity::Conversation)
}

/// Changes the status; an unknown status is a [`StoreError::Conflict`].
pub fn set_status(conn: &Connection, id: &str, status: &str) -> StoreResult<ConversationRow> {
    if !STATUSES.contains(&status) {
        return Err(StoreError::Conflict(format!("invalid status {status:?}")));
    }
    let n = conn.exec(
        "UPDATE conversations SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status, clock::now_db()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::Conversation));
    }
    get(conn, id)
}

/// Assigns the conversation to an agent (or to nobody).
pub fn assign(conn: &Connection, id: &str, user_id: Option<i64>) -> StoreResult<ConversationRow> {
    let sql = format!(
        "UPDATE conversations SET user_id = ?2, updated_at = ?3 WHERE id = ?1 RETURNING {COLUMNS}"
    );
    found(
        conn.row(&sql, params![id, user_id, clock::now_db()], from_row),
        Entity::Conversation,
    )
}

/// Deletes a conversation and its messages.
pub fn delete(conn: &Connection, id: &str) -> StoreResult<()> {
    if conn.exec("DELETE FROM conversations WHERE id = ?1", [id])? == 0 {
        return Err(StoreError::NotFound(Entity::Conversation));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::customers::NewCustomer;
    use crate::storage::test_db;

    fn customer(db: &Connection) -> CustomerRow {
        customers::insert(
            db,
            &NewCustomer {
                first_name: Some("John".into()),
                last_name: Some("Doe".into()),
                username: Some("johndoe".into()),
                source: "telegram".into(),
                ..NewCustomer::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn new_conversations_get_a_ten_character_id_and_the_default_title() {
        let db = test_db();
        let c = insert(&db, &customer(&db), "telegram", None).unwrap();
        assert_eq!(c.id.len(), 10);
        assert_eq!(
            c.title.as_deref(),
            Some("telegram - John Doe (@johndoe) | telegram")
        );
        assert_eq!(c.status, "active");
        assert!(exists(&db, &c.id).unwrap());
    }

    #[test]
    fn the_most_recent_conversation_on_a_source_is_found() {
        let db = test_db();
        let cust = customer(&db);
        let older = insert(&db, &cust, "telegram", None).unwrap();
        let newer = insert(&db, &cust, "telegram", None).unwrap();
        insert(&db, &cust, "instagram", None).unwrap();
        touch_at(&db, &older.id, "2030-01-01T00:00:00.000000Z");
        let found = find_for_customer(&db, cust.id, "telegram")
            .unwrap()
            .unwrap();
        assert_eq!(found.id, older.id);
        touch_at(&db, &newer.id, "2031-01-01T00:00:00.000000Z");
        let found = find_for_customer(&db, cust.id, "telegram")
            .unwrap()
            .unwrap();
        assert_eq!(found.id, newer.id);
    }

    fn touch_at(db: &Connection, id: &str, at: &str) {
        db.execute(
            "UPDATE conversations SET updated_at = ?2 WHERE id = ?1",
            [id, at],
        )
        .unwrap();
    }

    #[test]
    fn status_is_checked() {
        let db = test_db();
        let c = insert(&db, &customer(&db), "telegram", None).unwrap();
        assert_eq!(set_status(&db, &c.id, "closed").unwrap().status, "closed");
        assert!(matches!(
            set_status(&db, &c.id, "open"),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            set_status(&db, "nope", "closed"),
            Err(StoreError::NotFound(_))
        ));
    }
}
