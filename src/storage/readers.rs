//! Read-only connections, reused, run on tokio's blocking pool; a semaphore bounds how many.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

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
            let result = f(&conn);
            shared.put(conn);
            drop(permit);
            result
        })
        .await;
        joined.unwrap_or(Err(StoreError::Panicked))
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
