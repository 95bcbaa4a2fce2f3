//! Versioned schema migrations: SQL files applied in order, the version kept in `user_version`.

use rusqlite::Connection;

use super::{StoreError, StoreResult};

/// Every migration, in order; entry `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_sessions.sql"),
    include_str!("migrations/0003_channels.sql"),
    include_str!("migrations/0004_search.sql"),
    include_str!("migrations/0005_preferences.sql"),
    include_str!("migrations/0006_saved_replies.sql"),
    include_str!("migrations/0007_notes.sql"),
    include_str!("migrations/0008_revoke_reasons.sql"),
    include_str!("migrations/0009_lean_writes.sql"),
    include_str!("migrations/0010_invites.sql"),
];

/// The newest schema version this build knows.
#[must_use]
pub fn latest() -> usize {
    MIGRATIONS.len()
}

/// Brings the database to the newest schema version in one immediate transaction, reading the
/// version inside it, so a server and a CLI command starting together on a new folder do not both
/// create the schema.
///
/// Foreign keys are off while migrations run (`SQLite` ignores the pragma inside a transaction,
/// so it is set around it): a migration that rebuilds a table drops the old one, and with them
/// on that drop would cascade into every row referencing it. They are checked before commit.
pub(super) fn run(conn: &mut Connection) -> StoreResult<()> {
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = migrate(conn);
    conn.pragma_update(None, "foreign_keys", enforced)?;
    migrated
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::Conflict(format!(
            "the database has schema version {current}, newer than this pilito-box knows ({}); \
             upgrade pilito-box",
            MIGRATIONS.len()
        )));
    }
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    for sql in &MIGRATIONS[current..] {
        tx.execute_batch(sql)?;
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(StoreError::Conflict(format!(
            "migrating the database would leave {broken} rows pointing at nothing; nothing was changed"
        )));
    }
    tx.pragma_update(
        None,
        "user_version",
        i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        run(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(usize::try_from(v).unwrap(), MIGRATIONS.len());
    }

    #[test]
    fn the_channels_migration_keeps_rows_and_references() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &MIGRATIONS[..2] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 2).unwrap();
        tx.execute_batch(
            "INSERT INTO customers (id, source, source_id, created_at, updated_at) \
               VALUES (7, 'telegram', '42', 't', 't'); \
             INSERT INTO conversations (id, customer_id, source, created_at, updated_at) \
               VALUES ('c1', 7, 'telegram', 't', 't'); \
             INSERT INTO messages (id, conversation_id, customer_id, content, created_at) \
               VALUES ('m1', 'c1', 7, 'hi', 't');",
        )
        .unwrap();
        tx.commit().unwrap();
        run(&mut conn).unwrap();
        let kept: (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM conversations)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(kept, (1, 1));
        let on: bool = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(on, "foreign keys are enforced again after migrating");
        conn.execute(
            "INSERT INTO customers (source, source_id, created_at, updated_at) \
             VALUES ('api', 'crm-1', 't', 't')",
            [],
        )
        .unwrap();
        conn.execute("DELETE FROM customers WHERE id = 7", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            left, 0,
            "deleting a customer still cascades to its messages"
        );
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(run(&mut conn), Err(StoreError::Conflict(_))));
    }

    #[test]
    fn two_connections_migrating_together_create_the_schema_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("race.sqlite3");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut conn = Connection::open(&path).unwrap();
                    conn.busy_timeout(std::time::Duration::from_secs(10))
                        .unwrap();
                    run(&mut conn)
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
    }

    #[test]
    fn a_box_whose_admin_holds_a_token_offers_no_first_visit_after_migrating() {
        for (role, offered) in [("admin", false), ("agent", true)] {
            let mut conn = Connection::open_in_memory().unwrap();
            let tx = conn.transaction().unwrap();
            for sql in &MIGRATIONS[..9] {
                tx.execute_batch(sql).unwrap();
            }
            tx.pragma_update(None, "user_version", 9).unwrap();
            tx.execute_batch(&format!(
                "INSERT INTO users (id, username, password_hash, role, created_at, updated_at) \
                   VALUES (1, 'u', 'h', '{role}', 't', 't'); \
                 INSERT INTO auth_tokens (jti, user_id, kind, issued_at, expires_at) \
                   VALUES ('j', 1, 'access', 't', 't');"
            ))
            .unwrap();
            tx.commit().unwrap();
            run(&mut conn).unwrap();
            let seen =
                crate::storage::settings::get(&conn, crate::storage::settings::ADMIN_SIGNED_IN)
                    .unwrap();
            assert_eq!(seen.is_none(), offered, "{role}");
        }
    }
}
