//! A customer message arriving from outside (a bot bridge, a webhook relay): finds or creates
//! the customer and the conversation and stores the message, all in one transaction.

use super::sql::Cached;
use rusqlite::{Connection, params};

use super::StoreResult;
use super::conversations;
use super::customers::{self, NewCustomer};
use super::messages::{self, Media, NewMessage, Stored};
use crate::clock;

/// An inbound customer message, validated.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// Platform; one of [`customers::SOURCES`].
    pub source: String,
    /// The customer's id on the platform.
    pub source_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// Trimmed text.
    pub content: String,
    /// The bridge's idempotency key, so a retried delivery stores once.
    pub client_msg_id: Option<String>,
    /// A file the message carries, already in the media folder.
    pub media: Option<Media>,
}

/// What [`receive`] did.
#[derive(Debug, Clone)]
pub struct Received {
    /// The stored message with its conversation and customer.
    pub stored: Stored,
    /// Whether the customer was new.
    pub customer_created: bool,
    /// Whether the conversation was new.
    pub conversation_created: bool,
}

/// Stores an inbound message, creating its customer and conversation on demand. A known
/// customer's names are updated to what the platform says now.
pub fn receive(conn: &Connection, inbound: &Inbound) -> StoreResult<Received> {
    let existing = customers::find_by_source(conn, &inbound.source, &inbound.source_id)?;
    let customer_created = existing.is_none();
    let customer = match existing {
        Some(customer) => {
            conn.exec(
                "UPDATE customers SET first_name = coalesce(?2, first_name), \
                 last_name = coalesce(?3, last_name), username = coalesce(?4, username), \
                 updated_at = ?5 WHERE id = ?1 \
                 AND ((?2 IS NOT NULL AND ?2 IS NOT first_name) \
                   OR (?3 IS NOT NULL AND ?3 IS NOT last_name) \
                   OR (?4 IS NOT NULL AND ?4 IS NOT username))",
                params![
                    customer.id,
                    inbound.first_name,
                    inbound.last_name,
                    inbound.username,
                    clock::now_db()
                ],
            )?;
            customers::get(conn, customer.id)?
        }
        None => customers::insert(
            conn,
            &NewCustomer {
                first_name: inbound.first_name.clone(),
                last_name: inbound.last_name.clone(),
                username: inbound.username.clone(),
                source: inbound.source.clone(),
                source_id: Some(inbound.source_id.clone()),
            },
        )?,
    };
    let existing = conversations::find_for_customer(conn, customer.id, &inbound.source)?;
    let conversation_created = existing.is_none();
    let conversation = match existing {
        Some(c) => c,
        None => conversations::insert(conn, &customer, &inbound.source, None)?,
    };
    let mut stored = messages::insert(
        conn,
        &NewMessage {
            conversation_id: conversation.id,
            kind: "customer".to_owned(),
            content: inbound.content.clone(),
            sender_user_id: None,
            client_msg_id: inbound.client_msg_id.clone(),
        },
    )?;
    if let Some(media) = inbound.media.as_ref().filter(|_| !stored.duplicate) {
        stored.message = messages::attach_media(conn, stored.message.seq, media)?;
    }
    Ok(Received {
        stored,
        customer_created,
        conversation_created,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;

    fn inbound(text: &str) -> Inbound {
        Inbound {
            source: "telegram".into(),
            source_id: "42".into(),
            first_name: Some("Ali".into()),
            last_name: None,
            username: None,
            content: text.into(),
            client_msg_id: None,
            media: None,
        }
    }

    #[test]
    fn first_message_creates_customer_and_conversation_then_reuses_them() {
        let db = test_db();
        let first = receive(&db, &inbound("salam")).unwrap();
        assert!(first.customer_created && first.conversation_created);
        let mut renamed = inbound("again");
        renamed.first_name = Some("Ali Reza".into());
        let second = receive(&db, &renamed).unwrap();
        assert!(!second.customer_created && !second.conversation_created);
        assert_eq!(second.stored.conversation.id, first.stored.conversation.id);
        assert_eq!(
            second.stored.customer.first_name.as_deref(),
            Some("Ali Reza")
        );
        assert_eq!(second.stored.message.kind, "customer");
    }
}
