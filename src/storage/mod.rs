//! `SQLite` storage: one thread owns the write connection, readers use their own connections.
//!
//! Writes are closures queued to the writer thread ([`Store::write`]); when several are waiting
//! they are committed together in one transaction, each inside its own savepoint so one failing
//! write never undoes another. A write's result is delivered only after its transaction commits,
//! which is what lets callers persist first and publish second. Reads ([`Store::read`]) run on the
//! blocking pool with a connection of their own; in WAL mode they never block the writer.
//! Queries are plain functions over a `&Connection`, one file per table.

pub mod backup;
pub mod blacklist;
mod cap;
mod checkpointer;
pub mod conversation_list;
pub mod conversations;
pub mod customer_list;
pub mod customers;
pub mod history;
pub mod inbound;
pub mod invites;
pub mod messages;
mod migrations;
pub mod outbox;
pub mod preferences;
mod readers;
pub mod revocations;
pub mod saved_replies;
pub mod search;
pub mod settings;
pub mod setup;
pub mod sql;
pub mod summary;
pub mod tags;
pub mod tokens;
pub mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

pub use cap::SizeCap;

use crate::config::{StorageConfig, Synchronous};

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `SQLite` refused the statement.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The batch this write belonged to could not be committed.
    #[error("commit failed: {0}")]
    Commit(String),
    /// The disk (or the configured size cap) is full; nothing of the write was kept.
    #[error("the database is full (disk full or storage.max_database_mb reached)")]
    Full,
    /// A row the caller named does not exist.
    #[error("{0} not found")]
    NotFound(Entity),
    /// The write would break a rule (a duplicate name, a bad value); the text says which.
    #[error("{0}")]
    Conflict(String),
    /// The store is shut down.
    #[error("the database is closed")]
    Closed,
    /// A query panicked; the writer survived and rolled the write back.
    #[error("a database task panicked")]
    Panicked,
    /// The database file or folder could not be opened.
    #[error("cannot open the database at {path}: {message}")]
    Open { path: PathBuf, message: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
                Self::Full
            }
            _ => Self::Sqlite(e),
        }
    }
}

/// The kinds of row a caller can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Conversation,
    Customer,
    Message,
    User,
    Tag,
    BlacklistedAddress,
    SavedReply,
    Invite,
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Conversation => "conversation",
            Self::Customer => "customer",
            Self::Message => "message",
            Self::User => "user",
            Self::Tag => "tag",
            Self::BlacklistedAddress => "blacklisted address",
            Self::SavedReply => "saved reply",
            Self::Invite => "invite",
        })
    }
}

/// Which rows of a list to read: the `page` number is only reported back, `offset` and
/// `page_size` select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    /// Rows per page, 1..=500.
    pub page_size: i64,
    pub offset: i64,
}

impl PageRequest {
    /// The first page of `page_size` rows.
    #[must_use]
    pub fn first(page_size: i64) -> Self {
        Self {
            page: 1,
            page_size,
            offset: 0,
        }
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// A snapshot of the writer's counters; fewer commits than writes means it batched.
#[derive(Debug, Clone, Copy)]
pub struct WriteStats {
    pub writes: u64,
    pub commits: u64,
    /// Writes queued that the writer has not taken yet.
    pub waiting: u64,
}

/// A write in the writer's queue ([`Store::enqueue`]); its result comes once it is committed.
#[derive(Debug)]
pub struct Queued<T>(oneshot::Receiver<StoreResult<T>>);

impl<T> Queued<T> {
    /// The write's result, once its transaction has committed (or failed).
    pub async fn committed(self) -> StoreResult<T> {
        self.0.await.map_err(|_| StoreError::Closed)?
    }
}

/// A cheap-to-clone handle on the database.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    jobs: mpsc::Sender<writer::Job>,
    checkpointer: std::sync::Mutex<Option<checkpointer::Checkpointer>>,
    stats: Arc<writer::WriterStats>,
    readers: readers::Pool,
    path: PathBuf,
    cap: SizeCap,
}

impl Store {
    /// Opens (creating if needed) the database, migrates it and starts the writer thread.
    pub fn open(path: &Path, config: &StorageConfig) -> StoreResult<Self> {
        let open_err = |message: String| StoreError::Open {
            path: path.to_owned(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::private_dir(dir).map_err(|e| open_err(e.to_string()))?;
        }
        private_database(path).map_err(|e| open_err(e.to_string()))?;
        let mut conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        configure(&conn, config.synchronous).map_err(|e| open_err(e.to_string()))?;
        let cap = SizeCap::decide(path, config.max_database_mb);
        cap.apply(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        search::install(&conn)?;
        migrations::run(&mut conn)?;
        let checkpointer = checkpointer::Checkpointer::spawn(path, config.synchronous)
            .map_err(|e| open_err(format!("cannot start the checkpointer thread: {e}")))?;
        let stats = Arc::new(writer::WriterStats::default());
        let jobs = writer::spawn(conn, config.max_batch.max(1), Arc::clone(&stats))
            .map_err(|e| open_err(format!("cannot start the writer thread: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                jobs,
                checkpointer: std::sync::Mutex::new(Some(checkpointer)),
                stats,
                readers: readers::Pool::new(path, config.readers.max(1)),
                path: path.to_owned(),
                cap,
            }),
        })
    }

    /// How large the database may grow, decided when it was opened.
    #[must_use]
    pub fn size_cap(&self) -> SizeCap {
        self.inner.cap
    }

    /// Path of the database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on the writer thread inside a transaction; returns once it is committed.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.enqueue(f).await?.committed().await
    }

    /// Queues `f` for the writer thread and returns as soon as it is in the queue, without
    /// waiting for its commit: writes queued one after another commit in that order. Waits only
    /// while the writer's queue is full, which is how a fast caller feels backpressure.
    pub async fn enqueue<T, F>(&self, f: F) -> StoreResult<Queued<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job = writer::Job::new(f, tx);
        let waiting = &self.inner.stats.waiting;
        waiting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.inner.jobs.send(job).await.is_err() {
            waiting.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            return Err(StoreError::Closed);
        }
        Ok(Queued(rx))
    }

    /// Runs `f` with a read-only connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.inner.readers.run(f).await
    }

    /// Runs `f`, a read of a few rows by key (a token check, a page of history), with a
    /// read-only connection on the calling thread when one is free, on the blocking pool
    /// otherwise.
    pub async fn read_here<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.inner.readers.run_here(f).await
    }

    /// What the writer has done so far and what waits for it.
    #[must_use]
    pub fn write_stats(&self) -> WriteStats {
        use std::sync::atomic::Ordering::Relaxed;
        let stats = &self.inner.stats;
        WriteStats {
            writes: stats.writes.load(Relaxed),
            commits: stats.commits.load(Relaxed),
            waiting: stats.waiting.load(Relaxed),
        }
    }

    /// Stops the checkpointer, commits everything queued so far, checkpoints the WAL, stops the
    /// writer thread and closes idle readers (the last connection to close removes the WAL
    /// files).
    pub async fn shutdown(&self) {
        let checkpointer = self
            .inner
            .checkpointer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(checkpointer) = checkpointer {
            let _ = tokio::task::spawn_blocking(move || checkpointer.stop()).await;
        }
        let (tx, rx) = oneshot::channel();
        if self.inner.jobs.send(writer::Job::Stop(tx)).await.is_ok() {
            let _ = rx.await;
        }
        self.inner.readers.close_idle();
    }
}

/// WAL pages after which the writer checkpoints by itself. The checkpointer thread copies the
/// WAL back twice a second, so this is only a backstop (about 200 MB of WAL) for when it
/// cannot keep up or could not start.
const WAL_CHECKPOINT_PAGES: i64 = 50_000;

/// Creates the database file private before `SQLite` does (it gives its WAL, SHM and journal
/// files the database's mode), and makes an existing one and its side files private.
fn private_database(path: &Path) -> std::io::Result<()> {
    drop(crate::files::append_private(path)?);
    for suffix in ["-wal", "-shm", "-journal"] {
        crate::files::make_private(&PathBuf::from(format!("{}{suffix}", path.display())));
    }
    Ok(())
}

/// Settings every connection gets: a busy timeout so the CLI and the server can share the file.
fn configure(conn: &Connection, synchronous: Synchronous) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(sql::STATEMENT_CACHE);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let sync = match synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", sync)
}

/// Maps "no row" to [`StoreError::NotFound`] naming `what`.
pub(crate) fn found<T>(result: rusqlite::Result<T>, what: Entity) -> StoreResult<T> {
    match result {
        Ok(v) => Ok(v),
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(StoreError::NotFound(what)),
        Err(e) => Err(e.into()),
    }
}

/// Maps "no row" to `None`.
pub(crate) fn optional<T>(result: rusqlite::Result<T>) -> StoreResult<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Whether an error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// An in-memory database with the current schema, for query unit tests.
#[cfg(test)]
pub(crate) fn test_db() -> Connection {
    let mut conn = Connection::open_in_memory().expect("in-memory database");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("pragma");
    search::install(&conn).expect("search function");
    migrations::run(&mut conn).expect("migrations");
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let config = StorageConfig {
            synchronous: Synchronous::Normal,
            ..StorageConfig::default()
        };
        let store = Store::open(&dir.path().join("t.db"), &config).unwrap();
        (dir, store)
    }

    fn count(c: &Connection) -> StoreResult<i64> {
        Ok(c.query_row("SELECT count(*) FROM ip_blacklist", [], |r| r.get(0))?)
    }

    /// Each read closure, in place or on the pool, sees the database as it was when it began,
    /// even when a write commits between two of its statements.
    #[tokio::test]
    async fn a_read_sees_one_snapshot_wherever_it_runs() {
        let (_dir, store) = open();
        for here in [false, true] {
            let path = store.path().to_owned();
            let read = move |c: &Connection| {
                let before = count(c)?;
                let other = Connection::open(&path)?;
                blacklist::add(
                    &other,
                    std::net::IpAddr::from([10, 0, 0, u8::from(here)]),
                    None,
                )?;
                Ok((before, count(c)?, count(&other)?))
            };
            let (before, during, committed) = if here {
                store.read_here(read).await.unwrap()
            } else {
                store.read(read).await.unwrap()
            };
            assert_eq!(committed, before + 1);
            assert_eq!(during, before, "read in place: {here}");
        }
        assert_eq!(store.read_here(count).await.unwrap(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_are_committed_in_batches() {
        let (_dir, store) = open();
        let writes: Vec<_> = (0..400_u16)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let [hi, lo] = u16::to_be_bytes(i);
                    let ip = std::net::IpAddr::from([10, 0, hi, lo]);
                    store.write(move |c| blacklist::add(c, ip, None)).await
                })
            })
            .collect();
        for w in writes {
            assert!(w.await.unwrap().unwrap());
        }
        let stats = store.write_stats();
        let (written, commits) = (stats.writes, stats.commits);
        assert_eq!(stats.waiting, 0);
        assert_eq!(written, 400);
        assert!(commits < written, "{commits} commits for {written} writes");
        assert_eq!(store.read(count).await.unwrap(), 400);
    }

    #[tokio::test]
    async fn a_failing_write_rolls_back_alone() {
        let (_dir, store) = open();
        let ip = std::net::IpAddr::from([10, 0, 0, 1]);
        let failed = store
            .write(move |c| {
                blacklist::add(c, ip, None)?;
                Err::<(), _>(StoreError::Conflict("no".into()))
            })
            .await;
        assert!(matches!(failed, Err(StoreError::Conflict(_))));
        let panicked = store.write(|_| -> StoreResult<()> { panic!("boom") }).await;
        assert!(matches!(panicked, Err(StoreError::Panicked)));
        store
            .write(move |c| blacklist::add(c, ip, None))
            .await
            .unwrap();
        assert_eq!(store.read(count).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn an_open_read_does_not_block_the_writer() {
        let (dir, store) = open();
        let reader = Connection::open(dir.path().join("t.db")).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        assert_eq!(count(&reader).unwrap(), 0);
        let ip = std::net::IpAddr::from([10, 0, 0, 2]);
        let write = store.write(move |c| blacklist::add(c, ip, None));
        tokio::time::timeout(std::time::Duration::from_secs(2), write)
            .await
            .expect("the write finished while a read transaction was open")
            .unwrap();
        assert_eq!(count(&reader).unwrap(), 0, "the reader keeps its snapshot");
        reader.execute_batch("COMMIT").unwrap();
        assert_eq!(count(&reader).unwrap(), 1);
    }
}
