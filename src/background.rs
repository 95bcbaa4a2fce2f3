//! Background jobs of a running server: closing sockets of tokens revoked (by this process or by
//! the CLI), picking up blacklist changes, automatic backups, and pruning limiter and token state.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::media;
use crate::state::AppState;
use crate::storage::{StoreError, backup, blacklist, tokens};

/// How often the blacklist table is re-read (the CLI may change it while the server runs).
const BLACKLIST_EVERY: Duration = Duration::from_secs(2);
/// How often idle limiter entries and expired tokens are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Starts the jobs; they end when `stop` turns true.
pub fn spawn(state: &AppState, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let inbox = &state.inbox;
        let mut seen = inbox.revocations_seen().await;
        let poll = Duration::from_millis(state.config.tokens.revocation_poll_ms.max(50));
        let mut revocation_tick = tokio::time::interval(poll);
        let mut blacklist_tick = tokio::time::interval(BLACKLIST_EVERY);
        let mut prune_tick = tokio::time::interval(PRUNE_EVERY);
        let backup_every = state.config.backup.interval_secs;
        let first_backup = backup_due(&state.config.backup_dir(), backup_every);
        let mut backup_tick = tokio::time::interval_at(
            (std::time::Instant::now() + first_backup).into(),
            Duration::from_secs(backup_every.max(1)),
        );
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                _ = revocation_tick.tick() => seen = inbox.close_revoked(seen).await,
                () = inbox.revocation_made() => seen = inbox.close_revoked(seen).await,
                _ = blacklist_tick.tick() => match state.store.read(blacklist::addresses).await {
                    Ok(ips) => state.gate.table_read(ips),
                    Err(e) => tracing::warn!("cannot re-read the blacklist: {e}"),
                },
                _ = backup_tick.tick(), if backup_every > 0 => take_backup(&state).await,
                _ = prune_tick.tick() => {
                    state.gate.forget_idle();
                    if let Err(e) = state.store.write(tokens::purge_expired).await {
                        tracing::warn!("cannot prune expired tokens: {e}");
                    }
                }
            }
        }
    })
}

/// How long until the next automatic backup: now if the newest one is older than the interval.
fn backup_due(dir: &std::path::Path, every: u64) -> Duration {
    let newest = backup::automatic_backups(dir)
        .iter()
        .filter_map(|p| p.metadata().and_then(|m| m.modified()).ok())
        .max();
    let age = newest
        .and_then(|t| t.elapsed().ok())
        .unwrap_or(Duration::MAX);
    Duration::from_secs(every).saturating_sub(age)
}

async fn take_backup(state: &AppState) {
    let (db, dir, keep) = (
        state.store.path().to_owned(),
        state.config.backup_dir(),
        state.config.backup.keep,
    );
    let media = state.media.root().to_owned();
    let taken = tokio::task::spawn_blocking(move || {
        let path = backup::automatic(&db, &dir, keep)?;
        let files = media::mirror(&media, &media::folder(&dir))
            .map_err(|e| StoreError::Commit(format!("cannot copy the media folder: {e}")))?;
        Ok::<_, StoreError>((path, files))
    });
    match taken.await {
        Ok(Ok((path, files))) => tracing::info!(
            "backed up the database to {} and {files} new media files beside it",
            path.display()
        ),
        Ok(Err(e)) => tracing::error!("the automatic backup failed: {e}"),
        Err(e) => tracing::error!("the automatic backup failed: {e}"),
    }
}
