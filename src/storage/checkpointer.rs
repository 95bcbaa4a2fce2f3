//! The checkpointer thread: copies committed WAL pages back into the database file from a
//! connection of its own, a little at a time, so the writer never stops committing to do it.
//! Run on the writer's own commit (`SQLite`'s auto-checkpoint), each checkpoint held every write
//! queued behind it for as long as copying took: the longest fan-out delays at 10,000 msg/s.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::config::Synchronous;

/// How often the checkpointer copies what was committed since its last run.
const EVERY: Duration = Duration::from_millis(500);

pub(super) struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts the checkpointer on the database at `path` (already migrated, in WAL mode).
    pub(super) fn spawn(path: &Path, synchronous: Synchronous) -> std::io::Result<Self> {
        let conn = Connection::open(path)
            .and_then(|conn| super::configure(&conn, synchronous).map(|()| conn))
            .map_err(std::io::Error::other)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &stopped))?;
        Ok(Self { stop, thread })
    }

    /// Stops the thread and waits until its connection is closed.
    pub(super) fn stop(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
        // PASSIVE neither waits for nor blocks the writer or readers; what it cannot copy yet
        // (pages a reader still needs) waits for the next round.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!("checkpoint skipped: {e}");
        }
    }
}
