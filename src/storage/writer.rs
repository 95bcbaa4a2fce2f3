//! The writer thread: owns the one write connection and commits queued writes in batches;
//! between batches, once rows have waited [`indexer::LAG`], it indexes them for search
//! ([`Indexer`]).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::search::{Indexer, indexer};
use super::sql::Cached;
use super::{StoreError, StoreResult};

/// Writes that may wait for the writer before callers feel backpressure.
const QUEUE: usize = 4096;

/// Why a batch could not be committed, handed to every write in it.
#[derive(Debug, Clone)]
pub(super) enum Failure {
    /// The disk or the size cap is full.
    Full,
    /// Anything else, as text.
    Other(String),
}

impl Failure {
    fn of(e: rusqlite::Error) -> Self {
        match StoreError::from(e) {
            StoreError::Full => Self::Full,
            other => Self::Other(other.to_string()),
        }
    }

    fn error(&self) -> StoreError {
        match self {
            Self::Full => StoreError::Full,
            Self::Other(why) => StoreError::Commit(why.clone()),
        }
    }
}

/// What a write reports once its batch's fate is known: `Some(failure)` if the commit failed.
type Completion = Box<dyn FnOnce(Option<&Failure>) + Send>;

/// A write runs against the connection, or is told it could not run.
type Work = Box<dyn FnOnce(Result<&mut Connection, &Failure>) -> Completion + Send>;

/// One item of the writer's queue.
pub(super) enum Job {
    Run(Work),
    /// Commit what came before, then stop; answered when the connection is closed.
    Stop(oneshot::Sender<()>),
    /// The ticker's reminder that rows written [`indexer::LAG`] ago may wait to be indexed.
    Tick,
}

impl Job {
    /// Wraps `f` so it runs in a savepoint and answers `reply` after the commit.
    pub(super) fn new<T, F>(f: F, reply: oneshot::Sender<StoreResult<T>>) -> Self
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        Self::Run(Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => in_savepoint(conn, f),
                Err(why) => Err(why.error()),
            };
            Box::new(move |commit_error: Option<&Failure>| {
                let result = match (commit_error, result) {
                    (Some(_), Err(own)) => Err(own),
                    (Some(why), Ok(_)) => Err(why.error()),
                    (None, result) => result,
                };
                let _ = reply.send(result);
            })
        }))
    }
}

/// Runs `f` in a savepoint: its changes are kept only if it returns `Ok` without panicking.
///
/// The savepoint and transaction statements go through the statement cache like every hot
/// query: parsing them anew for each write was a fifth of the writer's time at 10,000 msg/s.
fn in_savepoint<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.exec("SAVEPOINT write", [])?;
    let error = match catch_unwind(AssertUnwindSafe(|| f(conn))) {
        Ok(Ok(value)) => match conn.exec("RELEASE write", []) {
            Ok(_) => return Ok(value),
            Err(e) => e.into(),
        },
        Ok(Err(e)) => e,
        Err(_) => {
            tracing::error!("a database write panicked; it was rolled back");
            StoreError::Panicked
        }
    };
    if !conn.is_autocommit() {
        let _ = conn.exec("ROLLBACK TO write", []);
        let _ = conn.exec("RELEASE write", []);
    }
    Err(error)
}

/// What the writer has done so far, and what waits for it.
#[derive(Debug, Default)]
pub struct WriterStats {
    pub writes: AtomicU64,
    /// Transactions committed (each holds one or more writes).
    pub commits: AtomicU64,
    /// Writes in the queue that the writer has not taken yet.
    pub waiting: AtomicU64,
}

/// Starts the writer thread and returns its queue.
pub(super) fn spawn(
    conn: Connection,
    max_batch: usize,
    stats: Arc<WriterStats>,
) -> std::io::Result<mpsc::Sender<Job>> {
    let (tx, rx) = mpsc::channel(QUEUE);
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(conn, rx, max_batch, &stats))?;
    let ticks = tx.downgrade();
    std::thread::Builder::new()
        .name("sqlite-index-tick".into())
        .spawn(move || tick(&ticks))?;
    Ok(tx)
}

/// Wakes an idle writer every [`indexer::LAG`], so rows are indexed in batches of that age
/// rather than in a transaction of their own after every write; ends with the store.
fn tick(writer: &mpsc::WeakSender<Job>) {
    loop {
        std::thread::sleep(indexer::LAG);
        let Some(writer) = writer.upgrade() else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Closed(_)) = writer.try_send(Job::Tick) {
            return;
        }
    }
}

fn run(mut conn: Connection, mut rx: mpsc::Receiver<Job>, max_batch: usize, stats: &WriterStats) {
    let mut stop = None;
    let mut batch: Vec<Work> = Vec::with_capacity(max_batch);
    let mut indexer = Indexer::default();
    indexer.wrote();
    while stop.is_none() {
        match rx.blocking_recv() {
            Some(Job::Run(work)) => batch.push(work),
            Some(Job::Stop(done)) => stop = Some(done),
            Some(Job::Tick) => {}
            None => break,
        }
        while stop.is_none() && batch.len() < max_batch {
            match rx.try_recv() {
                Ok(Job::Run(work)) => batch.push(work),
                Ok(Job::Stop(done)) => stop = Some(done),
                Ok(Job::Tick) => {}
                Err(_) => break,
            }
        }
        if !batch.is_empty() {
            // Taken off the waiting count before it is counted run, so the two never add up
            // to more writes than were queued.
            let taken = batch.len() as u64;
            stats.waiting.fetch_sub(taken, Ordering::Relaxed);
            stats.writes.fetch_add(taken, Ordering::Relaxed);
            if commit_batch(&mut conn, &mut batch) {
                stats.commits.fetch_add(1, Ordering::Relaxed);
            }
            indexer.wrote();
        }
        // A backlog (the first start after the index was added) is indexed batch after batch
        // while nothing waits to be written, and alternates with the writes otherwise.
        while indexer.overdue() {
            indexer.run(&mut conn);
            if !rx.is_empty() {
                break;
            }
        }
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
        tracing::warn!("could not checkpoint the database at shutdown: {e}");
    }
    drop(conn);
    if let Some(done) = stop {
        let _ = done.send(());
    }
}

/// Runs a batch of writes in one transaction and tells each whether it was committed; returns
/// whether the commit succeeded.
fn commit_batch(conn: &mut Connection, batch: &mut Vec<Work>) -> bool {
    if let Err(e) = conn.exec("BEGIN IMMEDIATE", []) {
        let why = Failure::of(e);
        tracing::error!("could not start a write transaction: {why:?}");
        for work in batch.drain(..) {
            work(Err(&why))(Some(&why));
        }
        return false;
    }
    let completions: Vec<Completion> = batch.drain(..).map(|work| work(Ok(conn))).collect();
    let commit_error = if conn.is_autocommit() {
        Some(Failure::Other(
            "an error (such as a full disk) made SQLite roll the batch back".into(),
        ))
    } else {
        conn.exec("COMMIT", []).err().map(Failure::of)
    };
    if let Some(why) = &commit_error {
        tracing::error!(
            "a write batch of {} failed to commit: {why:?}",
            completions.len()
        );
        if !conn.is_autocommit() {
            let _ = conn.exec("ROLLBACK", []);
        }
    }
    for complete in completions {
        complete(commit_error.as_ref());
    }
    commit_error.is_none()
}
