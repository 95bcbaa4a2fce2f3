//! Reading history: a conversation's messages by page or cursor, and the REST message search.

use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use super::messages::{MessageRow, READ, from_row, get};
use super::sql::{Cached, Where};
use super::{PageRequest, StoreResult, search, sql};

/// Which part of a conversation's history a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window<'a> {
    /// A page counted from the newest message (page 1 = newest).
    Page(PageRequest),
    /// Up to `limit` messages older than the message with this id.
    Before(&'a str, i64),
    /// Up to `limit` messages newer than the message with this id.
    After(&'a str, i64),
}

/// A slice of history, oldest first, with how many messages matched in all.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    /// Messages, oldest first.
    pub messages: Vec<MessageRow>,
    /// Messages matching the window's condition, this page included.
    pub total: i64,
}

/// Reads a window of a conversation's history, oldest first.
pub fn history(
    conn: &Connection,
    conversation_id: &str,
    window: Window<'_>,
) -> StoreResult<HistoryPage> {
    let (bound, newest_first, limit, offset) = match window {
        Window::Page(req) => (i64::MAX, true, req.page_size, req.offset),
        Window::Before(id, limit) => (get(conn, conversation_id, id)?.seq, true, limit, 0),
        Window::After(id, limit) => (get(conn, conversation_id, id)?.seq, false, limit, 0),
    };
    let (condition, order) = if newest_first {
        ("seq < ?2", "DESC")
    } else {
        ("seq > ?2", "ASC")
    };
    let sql = format!(
        "SELECT {READ} FROM messages WHERE conversation_id = ?1 AND {condition} \
         ORDER BY seq {order} LIMIT ?3 OFFSET ?4"
    );
    let mut messages: Vec<MessageRow> = conn
        .prepare_cached(&sql)?
        .query_map(params![conversation_id, bound, limit, offset], from_row)?
        .collect::<Result<_, _>>()?;
    if newest_first {
        messages.reverse();
    }
    let count = format!("SELECT count(*) FROM messages WHERE conversation_id = ?1 AND {condition}");
    let total = conn
        .prepare_cached(&count)?
        .query_row(params![conversation_id, bound], |r| r.get(0))?;
    Ok(HistoryPage { messages, total })
}

/// Filters of the REST message list (PROTOCOL §10 `user-messages`).
#[derive(Debug, Clone, Default)]
pub struct MessageQuery {
    /// Only this conversation.
    pub conversation: Option<String>,
    /// Only this sender role.
    pub kind: Option<String>,
    /// Only answered (or unanswered) messages.
    pub is_answered: Option<bool>,
    /// Only AI (or non-AI) messages.
    pub is_ai_response: Option<bool>,
    /// Substring of the content, as [`search`] matches it.
    pub search: Option<String>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
}

/// A filtered page of messages across conversations, with the total count.
pub fn search(
    conn: &Connection,
    query: &MessageQuery,
    page: PageRequest,
) -> StoreResult<(Vec<MessageRow>, i64)> {
    let mut w = Where::default();
    if let Some(conversation) = &query.conversation {
        w.and("conversation_id = ?", [sql::text(conversation)]);
    }
    if let Some(kind) = &query.kind {
        w.and("type = ?", [sql::text(kind)]);
    }
    if let Some(answered) = query.is_answered {
        w.and("is_answered = ?", [Value::Integer(answered.into())]);
    }
    if let Some(ai) = query.is_ai_response {
        w.and("is_ai_response = ?", [Value::Integer(ai.into())]);
    }
    if let Some(term) = &query.search
        && let Some((matching, params)) = search::messages(&search::Term::new(term))
    {
        w.and(format!("seq IN ({matching})"), params);
    }
    let order = if query.newest_first { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {READ} FROM messages {} ORDER BY seq {order} LIMIT ? OFFSET ?",
        w.sql()
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            params_from_iter(w.params(&[page.page_size, page.offset])),
            from_row,
        )?
        .collect::<Result<_, _>>()?;
    let count = conn.row(
        &format!("SELECT count(*) FROM messages {}", w.sql()),
        params_from_iter(w.params(&[])),
        |r| r.get(0),
    )?;
    Ok((rows, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Entity;
    use crate::storage::StoreError;
    use crate::storage::messages::tests::{conversation, send};
    use crate::storage::test_db;

    #[test]
    fn pages_and_cursors_are_oldest_first() {
        let db = test_db();
        let conv = conversation(&db);
        let ids: Vec<String> = (0..7)
            .map(|i| send(&db, &conv, &i.to_string(), None).message.id)
            .collect();
        let newest = history(&db, &conv, Window::Page(PageRequest::first(3))).unwrap();
        let texts: Vec<&str> = newest.messages.iter().map(|m| m.content.as_str()).collect();
        assert_eq!((texts, newest.total), (vec!["4", "5", "6"], 7));
        let older = history(&db, &conv, Window::Before(&ids[4], 2)).unwrap();
        let texts: Vec<&str> = older.messages.iter().map(|m| m.content.as_str()).collect();
        assert_eq!((texts, older.total), (vec!["2", "3"], 4));
        let newer = history(&db, &conv, Window::After(&ids[4], 10)).unwrap();
        let texts: Vec<&str> = newer.messages.iter().map(|m| m.content.as_str()).collect();
        assert_eq!((texts, newer.total), (vec!["5", "6"], 2));
        assert!(matches!(
            history(&db, &conv, Window::After("nope", 10)),
            Err(StoreError::NotFound(Entity::Message))
        ));
    }
}
