//! Backups: a consistent copy of the database taken while the server runs (`VACUUM INTO` from a
//! connection of its own, so the writer is never paused), the check a file passes before it may
//! replace the database, and the dated copies kept in the data folder. Every copy is private.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{StoreError, StoreResult, migrations};

/// Prefix of automatic backups in the backups folder.
const AUTO_PREFIX: &str = "pilito-box-";

/// Writes a consistent copy of the database at `db` to `dest` (through a temporary file, so
/// `dest` is either the old file or the complete new one).
pub fn copy(db: &Path, dest: &Path) -> StoreResult<()> {
    let partial = dest.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    // `VACUUM INTO` fills an empty file as it finds it, so the copy is private from the start.
    crate::files::private_file(&partial)
        .map_err(|e| io("cannot write the backup", &partial, &e))?;
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute("VACUUM INTO ?1", [partial.to_string_lossy()])?;
    drop(conn);
    std::fs::rename(&partial, dest).map_err(|e| io("cannot finish the backup", dest, &e))?;
    Ok(())
}

/// Checks that `file` is a sound pilito-box database this version can open.
pub fn verify(file: &Path) -> StoreResult<()> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| invalid(file, &e.to_string()))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| invalid(file, &e.to_string()))?;
    if check != "ok" {
        return Err(invalid(
            file,
            &format!("it fails SQLite's integrity check ({check})"),
        ));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = i64::try_from(migrations::latest()).unwrap_or(i64::MAX);
    if version == 0 || version > known {
        return Err(invalid(
            file,
            &format!("it has schema version {version}; this pilito-box knows 1 to {known}"),
        ));
    }
    let has_users = conn
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'")?
        .exists([])?;
    if !has_users {
        return Err(invalid(file, "it is not a pilito-box database"));
    }
    Ok(())
}

/// Replaces the database at `db` with `file` (verified first); the database it replaces is kept
/// beside it as `<name>.before-restore`. Nothing may have the database open.
pub fn restore(db: &Path, file: &Path) -> StoreResult<PathBuf> {
    verify(file)?;
    let incoming = db.with_extension("restoring");
    std::fs::copy(file, &incoming).map_err(|e| io("cannot copy the backup", file, &e))?;
    crate::files::make_private(&incoming);
    std::fs::File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("cannot flush the copy", &incoming, &e))?;
    let previous = db.with_extension("db.before-restore");
    if db.exists() {
        copy(db, &previous)?;
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&incoming, db).map_err(|e| io("cannot put the backup in place", db, &e))?;
    Ok(previous)
}

/// Takes today's automatic backup into `dir` and keeps the newest `keep`; returns its path.
pub fn automatic(db: &Path, dir: &Path, keep: usize) -> StoreResult<PathBuf> {
    crate::files::private_dir(dir).map_err(|e| io("cannot create the backups folder", dir, &e))?;
    let stamp = chrono::Utc::now().format("%Y-%m-%d-%H%M%S%.3f");
    let dest = dir.join(format!("{AUTO_PREFIX}{stamp}.db"));
    copy(db, &dest)?;
    let mut all = automatic_backups(dir);
    for older in &all {
        crate::files::make_private(older);
    }
    all.sort();
    for old in all.iter().take(all.len().saturating_sub(keep.max(1))) {
        let _ = std::fs::remove_file(old);
    }
    Ok(dest)
}

/// The automatic backups in `dir`, in no particular order.
#[must_use]
pub fn automatic_backups(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    name.starts_with(AUTO_PREFIX)
                        && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("db"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn invalid(file: &Path, why: &str) -> StoreError {
    StoreError::Conflict(format!("{} cannot be restored: {why}", file.display()))
}

fn io(what: &str, path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Conflict(format!("{what} ({}): {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path, name: &str, users: i64) -> PathBuf {
        let path = dir.join(name);
        let mut conn = Connection::open(&path).unwrap();
        migrations::run(&mut conn).unwrap();
        for i in 0..users {
            conn.execute(
                "INSERT INTO users (username, password_hash, created_at, updated_at) VALUES (?1, 'h', 'now', 'now')",
                [format!("u{i}")],
            )
            .unwrap();
        }
        path
    }

    fn users(db: &Path) -> i64 {
        Connection::open(db)
            .unwrap()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn copy_then_restore_round_trips_and_keeps_the_replaced_database() {
        let dir = tempfile::tempdir().unwrap();
        let live = database(dir.path(), "live.db", 3);
        let saved = dir.path().join("saved.db");
        copy(&live, &saved).unwrap();
        Connection::open(&live)
            .unwrap()
            .execute("DELETE FROM users", [])
            .unwrap();
        let previous = restore(&live, &saved).unwrap();
        assert_eq!((users(&live), users(&previous)), (3, 0));
    }

    #[test]
    fn damaged_newer_and_foreign_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let live = database(dir.path(), "live.db", 1);
        let garbage = dir.path().join("garbage.db");
        std::fs::write(&garbage, b"this is not a database at all").unwrap();
        let newer = database(dir.path(), "newer.db", 0);
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let foreign = dir.path().join("foreign.db");
        let conn = Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE notes (x); PRAGMA user_version = 1;")
            .unwrap();
        for bad in [&garbage, &newer, &foreign] {
            assert!(
                matches!(restore(&live, bad), Err(StoreError::Conflict(_))),
                "{bad:?}"
            );
        }
        assert_eq!(users(&live), 1, "nothing was replaced");
    }

    #[test]
    fn automatic_backups_keep_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let live = database(dir.path(), "live.db", 1);
        let folder = dir.path().join("backups");
        for day in 1..=4 {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(
                folder.join(format!("pilito-box-2020-01-0{day}-000000.db")),
                "old",
            )
            .unwrap();
        }
        let newest = automatic(&live, &folder, 2).unwrap();
        let mut kept = automatic_backups(&folder);
        kept.sort();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1], newest);
        assert_eq!(users(&newest), 1);
    }
}
