//! The `outbox` table: support replies waiting to leave through a channel, and each message's
//! delivery state (`processing_status` and the `external_send_result` JSON) kept beside them.
//!
//! A row is written in the transaction that stores its message ([`enqueue`]) and removed in the
//! one that records its delivery ([`record`]); only the oldest waiting row of a conversation is
//! ever due, so a conversation's replies leave in the order they were written.

use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};

use super::messages::{self, MessageRow};
use super::sql::Cached;
use super::{Entity, StoreError, StoreResult, found, optional};
use crate::{clock, ids};

/// The channel a conversation of `source` sends its replies through, if any.
#[must_use]
pub fn channel_for(source: &str) -> Option<&'static str> {
    match source {
        "telegram" => Some(TELEGRAM),
        "api" => Some(WEBHOOK),
        _ => None,
    }
}

/// The Telegram bot.
pub const TELEGRAM: &str = "telegram";
/// The webhook channel.
pub const WEBHOOK: &str = "webhook";

/// A message's delivery state as stored in `messages.external_send_result` (and shown as is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendResult {
    pub channel: String,
    pub success: bool,
    /// Telegram's id of the message sent.
    pub message_id: Option<i64>,
    pub attempts: i64,
    /// The last failure, in plain words.
    pub error: Option<String>,
    /// Whether another attempt is planned.
    pub retrying: bool,
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    /// The webhook receiver's answer.
    pub http_status: Option<u16>,
}

/// One waiting (or failed) delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub message_seq: i64,
    pub conversation_id: String,
    pub channel: String,
    /// Stable across retries: receivers de-duplicate by it.
    pub delivery_id: String,
    /// `pending` or `failed`.
    pub state: String,
    pub attempts: i64,
    /// When the first attempt failed, for giving up after the configured hours.
    pub first_try_at: Option<String>,
    pub next_attempt_at: String,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered.
    Sent {
        message_id: Option<i64>,
        http_status: Option<u16>,
    },
    /// Not delivered; try again at `next_attempt_at` (stored form).
    Retry {
        error: String,
        next_attempt_at: String,
        http_status: Option<u16>,
    },
    /// Not delivered, and trying again cannot help.
    Failed {
        error: String,
        http_status: Option<u16>,
    },
}

const COLUMNS: &str = "id, message_seq, conversation_id, channel, delivery_id, state, attempts, \
    first_try_at, next_attempt_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: row.get(0)?,
        message_seq: row.get(1)?,
        conversation_id: row.get(2)?,
        channel: row.get(3)?,
        delivery_id: row.get(4)?,
        state: row.get(5)?,
        attempts: row.get(6)?,
        first_try_at: row.get(7)?,
        next_attempt_at: row.get(8)?,
    })
}

fn save_state(
    conn: &Connection,
    seq: i64,
    status: &str,
    result: &SendResult,
) -> StoreResult<String> {
    let json = serde_json::to_string(result).map_err(|e| StoreError::Conflict(e.to_string()))?;
    conn.exec(
        "UPDATE messages SET processing_status = ?2, external_send_result = ?3 WHERE seq = ?1",
        params![seq, status, json],
    )?;
    Ok(json)
}

/// Queues `message` (just stored) for `channel` and marks it pending, in the row and in
/// `message` itself (no second read).
pub fn enqueue(conn: &Connection, message: &mut MessageRow, channel: &str) -> StoreResult<()> {
    let now = clock::now_db();
    conn.exec(
        "INSERT INTO outbox (message_seq, conversation_id, channel, delivery_id, next_attempt_at, \
         created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            message.seq,
            message.conversation_id,
            channel,
            ids::random_string(20),
            now
        ],
    )?;
    let waiting = SendResult {
        channel: channel.to_owned(),
        success: false,
        message_id: None,
        attempts: 0,
        error: None,
        retrying: false,
        next_attempt_at: None,
        sent_at: None,
        http_status: None,
    };
    let status = "pending";
    message.external_send_result = Some(save_state(conn, message.seq, status, &waiting)?);
    status.clone_into(&mut message.processing_status);
    Ok(())
}

/// Deliveries of `channel` due at `now`: the oldest waiting one of each conversation, oldest
/// first, at most `limit`.
pub fn due(conn: &Connection, channel: &str, now: &str, limit: i64) -> StoreResult<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o WHERE channel = ?1 AND state = 'pending' \
         AND next_attempt_at <= ?2 AND id = (SELECT min(id) FROM outbox p \
           WHERE p.channel = ?1 AND p.state = 'pending' AND p.conversation_id = o.conversation_id) \
         ORDER BY id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![channel, now, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the next delivery of `channel` falls due (stored form), if any waits.
pub fn next_due(conn: &Connection, channel: &str) -> StoreResult<Option<String>> {
    Ok(conn.row(
        "SELECT min(next_attempt_at) FROM outbox o WHERE channel = ?1 AND state = 'pending' \
         AND id = (SELECT min(id) FROM outbox p \
           WHERE p.channel = ?1 AND p.state = 'pending' AND p.conversation_id = o.conversation_id)",
        [channel],
        |r| r.get(0),
    )?)
}

/// The delivery with this id.
pub fn get(conn: &Connection, id: i64) -> StoreResult<OutboxRow> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1");
    found(conn.row(&sql, [id], from_row), Entity::Message)
}

/// Records how an attempt at delivery `id` ended; returns the message as it is now.
pub fn record(conn: &Connection, id: i64, outcome: &Outcome) -> StoreResult<MessageRow> {
    let row = get(conn, id)?;
    let attempts = row.attempts + 1;
    let mut result = SendResult {
        channel: row.channel.clone(),
        success: false,
        message_id: None,
        attempts,
        error: None,
        retrying: false,
        next_attempt_at: None,
        sent_at: None,
        http_status: None,
    };
    let now = clock::now_db();
    let status = match outcome {
        Outcome::Sent {
            message_id,
            http_status,
        } => {
            conn.exec("DELETE FROM outbox WHERE id = ?1", [id])?;
            result.success = true;
            result.message_id = *message_id;
            result.http_status = *http_status;
            result.sent_at = Some(now);
            "completed"
        }
        Outcome::Retry {
            error,
            next_attempt_at,
            http_status,
        } => {
            conn.exec(
                "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4, \
                 first_try_at = coalesce(first_try_at, ?5) WHERE id = ?1",
                params![id, attempts, next_attempt_at, error, now],
            )?;
            result.error = Some(error.clone());
            result.retrying = true;
            result.next_attempt_at = Some(next_attempt_at.clone());
            result.http_status = *http_status;
            "pending"
        }
        Outcome::Failed { error, http_status } => {
            conn.exec(
                "UPDATE outbox SET attempts = ?2, state = 'failed', last_error = ?3 WHERE id = ?1",
                params![id, attempts, error],
            )?;
            result.error = Some(error.clone());
            result.http_status = *http_status;
            "failed"
        }
    };
    save_state(conn, row.message_seq, status, &result)?;
    messages::by_seq(conn, row.message_seq)
}

/// Puts a failed message back in the queue, due now; returns the message as it is now.
pub fn retry(conn: &Connection, message: &MessageRow) -> StoreResult<MessageRow> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE message_seq = ?1");
    let row = optional(conn.row(&sql, [message.seq], from_row))?;
    let Some(row) = row.filter(|r| r.state == "failed") else {
        return Err(StoreError::Conflict(
            "only a failed message can be sent again".into(),
        ));
    };
    conn.exec(
        "UPDATE outbox SET state = 'pending', first_try_at = NULL, next_attempt_at = ?2 \
         WHERE id = ?1",
        params![row.id, clock::now_db()],
    )?;
    let mut result: SendResult = message
        .external_send_result
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| StoreError::Conflict("only a failed message can be sent again".into()))?;
    result.retrying = true;
    result.next_attempt_at = None;
    save_state(conn, message.seq, "pending", &result)?;
    messages::by_seq(conn, message.seq)
}

/// Makes every waiting reply of `channel` due now (the channel came back); returns how many
/// were waiting for a later retry.
pub fn due_now(conn: &Connection, channel: &str) -> StoreResult<usize> {
    Ok(conn.exec(
        "UPDATE outbox SET next_attempt_at = ?2 WHERE channel = ?1 AND state = 'pending' \
         AND next_attempt_at > ?2",
        params![channel, clock::now_db()],
    )?)
}

/// Replies waiting for `channel` and replies that failed.
pub fn counts(conn: &Connection, channel: &str) -> StoreResult<(i64, i64)> {
    Ok(conn.row(
        "SELECT (SELECT count(*) FROM outbox WHERE channel = ?1 AND state = 'pending'), \
         (SELECT count(*) FROM outbox WHERE channel = ?1 AND state = 'failed')",
        [channel],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::messages::tests::{conversation, send};
    use crate::storage::test_db;

    #[test]
    fn only_the_oldest_waiting_reply_of_a_conversation_is_due() {
        let db = test_db();
        let conv = conversation(&db);
        let mut a = send(&db, &conv, "one", None).message;
        let mut b = send(&db, &conv, "two", None).message;
        enqueue(&db, &mut a, TELEGRAM).unwrap();
        enqueue(&db, &mut b, TELEGRAM).unwrap();
        assert_eq!(a.processing_status, "pending");
        // The row enqueue hands back is the row stored.
        let stored = messages::by_seq(&db, a.seq).unwrap();
        assert_eq!(stored.processing_status, a.processing_status);
        assert_eq!(stored.external_send_result, a.external_send_result);
        let far = "9999-01-01T00:00:00.000000Z";
        let due_now = due(&db, TELEGRAM, far, 10).unwrap();
        assert_eq!(due_now.len(), 1);
        assert_eq!(due_now[0].message_seq, a.seq);
        let later = "9000-01-01T00:00:00.000000Z".to_owned();
        let retry = Outcome::Retry {
            error: "down".into(),
            next_attempt_at: later.clone(),
            http_status: None,
        };
        let m = record(&db, due_now[0].id, &retry).unwrap();
        assert_eq!(m.processing_status, "pending");
        assert_eq!(next_due(&db, TELEGRAM).unwrap(), Some(later));
        assert!(due(&db, TELEGRAM, &clock::now_db(), 10).unwrap().is_empty());
        let sent = Outcome::Sent {
            message_id: Some(5),
            http_status: None,
        };
        let m = record(&db, due_now[0].id, &sent).unwrap();
        let result: SendResult =
            serde_json::from_str(m.external_send_result.as_deref().unwrap()).unwrap();
        assert!(result.success && result.attempts == 2 && result.message_id == Some(5));
        let next = due(&db, TELEGRAM, far, 10).unwrap();
        assert_eq!(next[0].message_seq, b.seq);
        assert_eq!(counts(&db, TELEGRAM).unwrap(), (1, 0));
    }

    #[test]
    fn only_a_failed_message_is_retried() {
        let db = test_db();
        let conv = conversation(&db);
        let mut m = send(&db, &conv, "one", None).message;
        enqueue(&db, &mut m, TELEGRAM).unwrap();
        assert!(matches!(retry(&db, &m), Err(StoreError::Conflict(_))));
        let row = due(&db, TELEGRAM, &clock::now_db(), 1).unwrap().remove(0);
        let failed = Outcome::Failed {
            error: "blocked".into(),
            http_status: None,
        };
        let m = record(&db, row.id, &failed).unwrap();
        assert_eq!(m.processing_status, "failed");
        assert_eq!(counts(&db, TELEGRAM).unwrap(), (0, 1));
        let m = retry(&db, &m).unwrap();
        assert_eq!(m.processing_status, "pending");
        assert_eq!(counts(&db, TELEGRAM).unwrap(), (1, 0));
    }
}
