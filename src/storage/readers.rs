//! Read-only connections, reused, run on tokio's blocking pool (or, for short reads, in place
//! when one is free); a semaphore bounds how many.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use super::sql::Cached;
use super::{StoreError, StoreResult};

/// A bounded pool of read-only connections to one database file.
pub(super) struct Pool {
    shared: Arc<Shared>,
    permits: Arc<Semaphore>,
}

struct Shared {
    path: PathBuf,
    /// Idle connections. A std mutex: it is held only to push or pop, never across `.await`.
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    pub(super) fn new(path: &Path, size: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                path: path.to_owned(),
                idle: Mutex::new(Vec::with_capacity(size)),
            }),
            permits: Arc::new(Semaphore::new(size)),
        }
    }

    /// Closes the idle connections (at shutdown).
    pub(super) fn close_idle(&self) {
        self.shared
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub(super) async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        let shared = Arc::clone(&self.shared);
        let joined = tokio::task::spawn_blocking(move || {
            let conn = shared.take()?;
            let result = in_snapshot(&conn, f);
            shared.put(conn);
            drop(permit);
            result
        })
        .await;
        joined.unwrap_or(Err(StoreError::Panicked))
    }

    /// Runs `f` on the calling thread when a connection is free at once, without the hand-over
    /// to a blocking thread and back (those thread switches were most of a socket connect's
    /// cost); waits on the pool like [`Pool::run`] otherwise. For short reads of a few rows
    /// only: the caller's thread runs nothing else meanwhile.
    pub(super) async fn run_here<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let Ok(permit) = self.permits.try_acquire() else {
            return self.run(f).await;
        };
        let conn = self.shared.take()?;
        let result = catch_unwind(AssertUnwindSafe(|| in_snapshot(&conn, f)));
        drop(permit);
        match result {
            Ok(result) => {
                self.shared.put(conn);
                result
            }
            Err(_) => Err(StoreError::Panicked),
        }
    }
}

impl Shared {
    fn take(&self) -> StoreResult<Connection> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => open_reader(&self.path),
        }
    }

    fn put(&self, conn: Connection) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(conn);
    }
}

/// Runs `f`'s statements in one read transaction: they see one snapshot, and `SQLite` takes
/// and drops its read lock (file-lock system calls) once for all of them instead of once per
/// statement.
fn in_snapshot<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.exec("BEGIN", [])?;
    let result = f(conn);
    // Ending a read cannot lose anything; a connection left inside it could not begin the next.
    if !conn.is_autocommit() && conn.exec("COMMIT", []).is_err() {
        let _ = conn.exec("ROLLBACK", []);
    }
    result
}

fn open_reader(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.set_prepared_statement_cache_capacity(super::sql::STATEMENT_CACHE);
    super::search::install(&conn)?;
    Ok(conn)
}
