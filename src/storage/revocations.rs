//! Reading the revocation log, so a running server closes sockets of revoked tokens.

use super::sql::Cached;
use rusqlite::Connection;

use super::StoreResult;
use super::tokens::RevokeReason;

/// One revocation: of a single token, or of every token of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub id: i64,
    /// The token, when one token was revoked.
    pub jti: Option<String>,
    /// The user, when all of a user's tokens were revoked.
    pub user_id: Option<i64>,
    pub reason: RevokeReason,
}

/// The newest position in the log (0 when empty).
pub fn latest(conn: &Connection) -> StoreResult<i64> {
    Ok(
        conn.row("SELECT coalesce(max(id), 0) FROM revocations", [], |r| {
            r.get(0)
        })?,
    )
}

/// Whether `user_id` belonged to a user who was removed (rather than one who never existed).
pub fn user_removed(conn: &Connection, user_id: i64) -> StoreResult<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM revocations WHERE user_id = ?1 AND reason = 'deleted')",
    )?;
    Ok(stmt.query_row([user_id], |r| r.get(0))?)
}

/// Revocations after position `after`, oldest first.
pub fn since(conn: &Connection, after: i64) -> StoreResult<Vec<Revocation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, jti, user_id, reason FROM revocations WHERE id > ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([after], |r| {
        let reason: String = r.get(3)?;
        Ok(Revocation {
            id: r.get(0)?,
            jti: r.get(1)?,
            user_id: r.get(2)?,
            reason: RevokeReason::parse(&reason).unwrap_or(RevokeReason::Logout),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
