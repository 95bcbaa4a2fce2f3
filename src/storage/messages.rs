//! The `messages` table: a conversation's history, ordered by `seq`, addressed by public id.

use super::sql::Cached;
use rusqlite::{Connection, Row, params};

use super::conversations::{self, ConversationRow};
use super::customers::{self, CustomerRow};
use super::users::{self, UserRef};
use super::{Entity, StoreError, StoreResult, found, is_unique_violation, optional};
use crate::{clock, ids};

/// Who a message speaks for (the wire's `type`).
pub const KINDS: &[&str] = &["customer", "AI", "support", "marketing", "note"];

/// An internal note: an agent's words to the other agents, never sent to a channel.
pub const NOTE: &str = "note";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// Storage order within the workspace.
    pub seq: i64,
    pub id: String,
    pub conversation_id: String,
    pub customer_id: Option<i64>,
    /// The agent who sent it, for `support` messages sent by a user.
    pub sender_user_id: Option<i64>,
    /// That agent as they are named now (read with the row; none for rows read in a join).
    pub author: Option<UserRef>,
    /// The sender's idempotency key.
    pub client_msg_id: Option<String>,
    /// One of [`KINDS`].
    pub kind: String,
    pub content: String,
    /// Whether an AI wrote it.
    pub is_ai_response: bool,
    /// Whether a customer message was answered (read).
    pub is_answered: bool,
    pub created_at: String,
    /// `none`, `positive` or `negative`.
    pub feedback: String,
    pub feedback_comment: String,
    pub feedback_at: Option<String>,
    /// `text`, `voice`, `image`, …
    pub message_type: String,
    pub media_url: Option<String>,
    pub media_file: Option<String>,
    pub transcription: Option<String>,
    /// `pending`, `completed` or `failed` (the delivery out, for a channel's conversation).
    pub processing_status: String,
    /// The delivery state of a message sent out, as the wire's JSON object.
    pub external_send_result: Option<String>,
    /// JSON with what the message carries besides text (`{"attachment": …}`).
    pub metadata: Option<String>,
}

/// A message about to be stored.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: String,
    /// One of [`KINDS`].
    pub kind: String,
    /// Trimmed, validated text.
    pub content: String,
    pub sender_user_id: Option<i64>,
    /// The sender's idempotency key.
    pub client_msg_id: Option<String>,
}

/// A file a message carries, stored in the media folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `image`, `voice`, `video` or `share`.
    pub message_type: String,
    /// The stored name inside the media folder.
    pub media_file: String,
    pub media_url: String,
    /// JSON (`{"attachment": {"name", "size", "content_type"}}`).
    pub metadata: Option<String>,
}

/// Gives message `seq` its file (in the transaction that stored it); returns it as it is now.
pub fn attach_media(conn: &Connection, seq: i64, media: &Media) -> StoreResult<MessageRow> {
    conn.exec(
        "UPDATE messages SET message_type = ?2, media_file = ?3, media_url = ?4, metadata = ?5 \
         WHERE seq = ?1",
        params![
            seq,
            media.message_type,
            media.media_file,
            media.media_url,
            media.metadata
        ],
    )?;
    by_seq(conn, seq)
}

/// Replaces the text of the message a customer sent under `client_msg_id`, if it is stored;
/// returns it as it is now.
pub fn edit_by_key(
    conn: &Connection,
    customer_id: i64,
    client_msg_id: &str,
    content: &str,
) -> StoreResult<Option<MessageRow>> {
    let sql = format!(
        "SELECT {READ} FROM messages WHERE client_msg_id = ?2 AND type = 'customer' \
         AND conversation_id IN (SELECT id FROM conversations WHERE customer_id = ?1)"
    );
    let Some(message) = optional(conn.row(&sql, params![customer_id, client_msg_id], from_row))?
    else {
        return Ok(None);
    };
    conn.exec(
        "UPDATE messages SET content = ?2 WHERE seq = ?1",
        params![message.seq, content],
    )?;
    super::search::reindex_message(conn, message.seq, content)?;
    by_seq(conn, message.seq).map(Some)
}

/// The message with this public id, in whichever conversation.
pub fn by_id(conn: &Connection, id: &str) -> StoreResult<MessageRow> {
    let sql = format!("SELECT {READ} FROM messages WHERE id = ?1");
    found(conn.row(&sql, [id], from_row), Entity::Message)
}

/// What [`insert`] stored (or found already stored), with what a broadcast needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub message: MessageRow,
    /// Its conversation, after the write.
    pub conversation: ConversationRow,
    pub customer: CustomerRow,
    /// The conversation's assigned agent.
    pub assignee: Option<UserRef>,
    /// True when `client_msg_id` matched a message stored earlier; nothing new was written.
    pub duplicate: bool,
}

pub(super) const COLUMNS: &str = "seq, id, conversation_id, customer_id, sender_user_id, client_msg_id, type, \
    content, is_ai_response, is_answered, created_at, feedback, feedback_comment, feedback_at, \
    message_type, media_url, media_file, transcription, processing_status, external_send_result, \
    metadata";

/// [`COLUMNS`] and the author's names, for reads from `messages` alone (not aliased).
pub(super) const READ: &str = "seq, id, conversation_id, customer_id, sender_user_id, client_msg_id, type, \
    content, is_ai_response, is_answered, created_at, feedback, feedback_comment, feedback_at, \
    message_type, media_url, media_file, transcription, processing_status, external_send_result, \
    metadata, (SELECT json_array(u.username, u.first_name, u.last_name) FROM users u \
    WHERE u.id = messages.sender_user_id)";

/// Reads a message from [`READ`].
pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
    let mut message = from_row_at(row, 0)?;
    let names: Option<String> = row.get(21)?;
    message.author = message.sender_user_id.zip(names).and_then(|(id, names)| {
        let (username, first, last) =
            serde_json::from_str::<(String, Option<String>, Option<String>)>(&names).ok()?;
        let name = users::display_name(&username, first.as_deref(), last.as_deref());
        Some(UserRef { id, name })
    });
    Ok(message)
}

/// Reads a message from [`COLUMNS`] starting at column `at`; `None` when a LEFT JOIN found none.
pub(super) fn optional_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<MessageRow>> {
    if row.get::<_, Option<i64>>(at)?.is_none() {
        return Ok(None);
    }
    from_row_at(row, at).map(Some)
}

fn from_row_at(row: &Row<'_>, at: usize) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        seq: row.get(at)?,
        id: row.get(at + 1)?,
        conversation_id: row.get(at + 2)?,
        customer_id: row.get(at + 3)?,
        sender_user_id: row.get(at + 4)?,
        author: None,
        client_msg_id: row.get(at + 5)?,
        kind: row.get(at + 6)?,
        content: row.get(at + 7)?,
        is_ai_response: row.get(at + 8)?,
        is_answered: row.get(at + 9)?,
        created_at: row.get(at + 10)?,
        feedback: row.get(at + 11)?,
        feedback_comment: row.get(at + 12)?,
        feedback_at: row.get(at + 13)?,
        message_type: row.get(at + 14)?,
        media_url: row.get(at + 15)?,
        media_file: row.get(at + 16)?,
        transcription: row.get(at + 17)?,
        processing_status: row.get(at + 18)?,
        external_send_result: row.get(at + 19)?,
        metadata: row.get(at + 20)?,
    })
}

/// Stores a message and bumps its conversation, unless its `client_msg_id` was seen before.
pub fn insert(conn: &Connection, new: &NewMessage) -> StoreResult<Stored> {
    let conversation = conversations::get(conn, &new.conversation_id)?;
    if let Some(key) = &new.client_msg_id {
        let sql = format!(
            "SELECT {READ} FROM messages WHERE conversation_id = ?1 AND client_msg_id = ?2"
        );
        let earlier = optional(conn.row(&sql, params![new.conversation_id, key], from_row))?;
        if let Some(message) = earlier {
            return Ok(Stored {
                customer: customers::get(conn, conversation.customer_id)?,
                assignee: users::user_ref(conn, conversation.user_id)?,
                message,
                conversation,
                duplicate: true,
            });
        }
    }
    let now = clock::now_db();
    let message = loop {
        let id = ids::public_id();
        let inserted = conn
            .prepare_cached(
                "INSERT INTO messages (id, conversation_id, customer_id, sender_user_id, \
                 client_msg_id, type, content, is_ai_response, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                new.conversation_id,
                conversation.customer_id,
                new.sender_user_id,
                new.client_msg_id,
                new.kind,
                new.content,
                new.kind == "AI",
                now
            ]);
        match inserted {
            Ok(_) => break by_seq(conn, conn.last_insert_rowid())?,
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    };
    // A note is not part of the exchange with the customer: the conversation, its newest
    // message and its unread count stay as they were.
    let conversation = if new.kind == NOTE {
        conversation
    } else {
        conversations::record_message(
            conn,
            &new.conversation_id,
            &now,
            message.seq,
            new.kind == "customer",
        )?
    };
    Ok(Stored {
        customer: customers::get(conn, conversation.customer_id)?,
        assignee: users::user_ref(conn, conversation.user_id)?,
        conversation,
        message,
        duplicate: false,
    })
}

/// The message at storage position `seq`.
pub fn by_seq(conn: &Connection, seq: i64) -> StoreResult<MessageRow> {
    let sql = format!("SELECT {READ} FROM messages WHERE seq = ?1");
    found(conn.row(&sql, [seq], from_row), Entity::Message)
}

/// The message with this public id in this conversation.
pub fn get(conn: &Connection, conversation_id: &str, id: &str) -> StoreResult<MessageRow> {
    let sql = format!("SELECT {READ} FROM messages WHERE id = ?1 AND conversation_id = ?2");
    found(
        conn.row(&sql, [id, conversation_id], from_row),
        Entity::Message,
    )
}

/// Marks every customer message of a conversation answered; returns the conversation after.
pub fn mark_read(conn: &Connection, conversation_id: &str) -> StoreResult<ConversationRow> {
    let conversation = conversations::clear_unread(conn, conversation_id)?;
    conn.prepare_cached(
        "UPDATE messages SET is_answered = 1 WHERE conversation_id = ?1 \
         AND type = 'customer' AND is_answered = 0",
    )?
    .execute([conversation_id])?;
    Ok(conversation)
}

/// Records feedback on an AI message of this conversation.
pub fn set_feedback(
    conn: &Connection,
    conversation_id: &str,
    id: &str,
    feedback: &str,
    comment: &str,
) -> StoreResult<MessageRow> {
    let message = get(conn, conversation_id, id)?;
    if message.kind != "AI" {
        return Err(StoreError::Conflict(
            "Feedback can only be submitted for AI responses".into(),
        ));
    }
    conn.exec(
        "UPDATE messages SET feedback = ?2, feedback_comment = ?3, feedback_at = ?4 WHERE seq = ?1",
        params![message.seq, feedback, comment, clock::now_db()],
    )?;
    by_seq(conn, message.seq)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::storage::customers::NewCustomer;
    use crate::storage::test_db;

    pub(in crate::storage) fn conversation(db: &Connection) -> String {
        let customer = customers::insert(
            db,
            &NewCustomer {
                source: "telegram".into(),
                ..NewCustomer::default()
            },
        )
        .unwrap();
        conversations::insert(db, &customer, "telegram", None)
            .unwrap()
            .id
    }

    pub(in crate::storage) fn send(
        db: &Connection,
        conv: &str,
        text: &str,
        key: Option<&str>,
    ) -> Stored {
        insert(
            db,
            &NewMessage {
                conversation_id: conv.into(),
                kind: "support".into(),
                content: text.into(),
                sender_user_id: None,
                client_msg_id: key.map(Into::into),
            },
        )
        .unwrap()
    }

    #[test]
    fn client_msg_id_stores_once() {
        let db = test_db();
        let conv = conversation(&db);
        let first = send(&db, &conv, "hi", Some("k1"));
        let again = send(&db, &conv, "hi", Some("k1"));
        assert!(!first.duplicate && again.duplicate);
        assert_eq!(first.message.id, again.message.id);
        let stored: i64 = db
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 1);
        assert_eq!(again.conversation.last_message_seq, Some(first.message.seq));
    }

    #[test]
    fn the_conversation_tracks_its_newest_message_and_unread_count() {
        let db = test_db();
        let conv = conversation(&db);
        let new = |kind: &str| NewMessage {
            conversation_id: conv.clone(),
            kind: kind.into(),
            content: "x".into(),
            sender_user_id: None,
            client_msg_id: None,
        };
        insert(&db, &new("customer")).unwrap();
        let last = insert(&db, &new("customer")).unwrap();
        assert_eq!(last.conversation.unread_count, 2);
        assert_eq!(last.conversation.last_message_seq, Some(last.message.seq));
        let after = mark_read(&db, &conv).unwrap();
        assert_eq!(after.unread_count, 0);
        let still: i64 = db
            .query_row(
                "SELECT count(*) FROM messages WHERE is_answered = 0 AND type = 'customer'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(still, 0);
    }

    #[test]
    fn feedback_only_on_ai_messages() {
        let db = test_db();
        let conv = conversation(&db);
        let m = send(&db, &conv, "hi", None).message;
        assert!(matches!(
            set_feedback(&db, &conv, &m.id, "positive", ""),
            Err(StoreError::Conflict(_))
        ));
    }
}
