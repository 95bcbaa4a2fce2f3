//! The `saved_replies` table: texts kept for agents, each under a unique shortcut.

use rusqlite::{Connection, Row, params};

use super::sql::Cached;
use super::{Entity, StoreError, StoreResult, found, is_unique_violation};
use crate::clock;

/// A stored saved reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReplyRow {
    pub id: i64,
    /// What follows `/` in the reply box, unique whatever its case.
    pub shortcut: String,
    pub content: String,
    /// The admin who made it, while they exist.
    pub created_by: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

/// Changes to a saved reply: each field given replaces the stored one.
#[derive(Debug, Clone, Default)]
pub struct ReplyChanges {
    pub shortcut: Option<String>,
    pub content: Option<String>,
}

const COLUMNS: &str = "id, shortcut, content, created_by, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SavedReplyRow> {
    Ok(SavedReplyRow {
        id: r.get(0)?,
        shortcut: r.get(1)?,
        content: r.get(2)?,
        created_by: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

/// The conflict a taken shortcut is refused with.
fn taken(shortcut: &str) -> StoreError {
    StoreError::Conflict(format!(
        "A saved reply with the shortcut /{shortcut} already exists"
    ))
}

/// Every saved reply, by shortcut.
pub fn list(conn: &Connection) -> StoreResult<Vec<SavedReplyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM saved_replies ORDER BY shortcut COLLATE NOCASE, id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One saved reply.
pub fn get(conn: &Connection, id: i64) -> StoreResult<SavedReplyRow> {
    let sql = format!("SELECT {COLUMNS} FROM saved_replies WHERE id = ?1");
    found(conn.row(&sql, [id], from_row), Entity::SavedReply)
}

/// Stores a new saved reply; a taken shortcut is a conflict.
pub fn insert(
    conn: &Connection,
    shortcut: &str,
    content: &str,
    by: i64,
) -> StoreResult<SavedReplyRow> {
    let now = clock::now_db();
    match conn.exec(
        "INSERT INTO saved_replies (shortcut, content, created_by, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![shortcut, content, by, now],
    ) {
        Ok(_) => get(conn, conn.last_insert_rowid()),
        Err(e) if is_unique_violation(&e) => Err(taken(shortcut)),
        Err(e) => Err(e.into()),
    }
}

/// Applies changes to a saved reply and returns it.
pub fn update(conn: &Connection, id: i64, changes: &ReplyChanges) -> StoreResult<SavedReplyRow> {
    let current = get(conn, id)?;
    let shortcut = changes.shortcut.as_deref().unwrap_or(&current.shortcut);
    let content = changes.content.as_deref().unwrap_or(&current.content);
    match conn.exec(
        "UPDATE saved_replies SET shortcut = ?2, content = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, shortcut, content, clock::now_db()],
    ) {
        Ok(_) => get(conn, id),
        Err(e) if is_unique_violation(&e) => Err(taken(shortcut)),
        Err(e) => Err(e.into()),
    }
}

/// Removes a saved reply.
pub fn delete(conn: &Connection, id: i64) -> StoreResult<()> {
    if conn.exec("DELETE FROM saved_replies WHERE id = ?1", [id])? == 0 {
        return Err(StoreError::NotFound(Entity::SavedReply));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;

    #[test]
    fn shortcuts_are_unique_whatever_their_case() {
        let db = test_db();
        db.execute(
            "INSERT INTO users (id, username, password_hash, role, created_at, updated_at) \
             VALUES (1, 'admin', 'x', 'admin', '2026-01-01', '2026-01-01')",
            [],
        )
        .unwrap();
        let hello = insert(&db, "hello", "Hi, how can I help?", 1).unwrap();
        let thanks = insert(&db, "thanks", "Thank you!", 1).unwrap();
        assert!(matches!(
            insert(&db, "HELLO", "x", 1),
            Err(StoreError::Conflict(_))
        ));
        let renamed = ReplyChanges {
            shortcut: Some("Hello".into()),
            content: None,
        };
        assert!(matches!(
            update(&db, thanks.id, &renamed),
            Err(StoreError::Conflict(_))
        ));
        let edited = ReplyChanges {
            shortcut: None,
            content: Some("Hello! How can I help?".into()),
        };
        assert_eq!(
            update(&db, hello.id, &edited).unwrap().content,
            "Hello! How can I help?"
        );
        assert_eq!(list(&db).unwrap().len(), 2);
        delete(&db, hello.id).unwrap();
        assert!(matches!(
            delete(&db, hello.id),
            Err(StoreError::NotFound(Entity::SavedReply))
        ));
    }
}
