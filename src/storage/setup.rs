//! What the first-run checklist reads from the store, in one read: the `setup.*` settings, how
//! many people could answer customers, pending invites to join, and whether a customer's
//! message was ever answered by a person. Which step that makes done is the inbox's business.

use std::collections::HashMap;

use rusqlite::Connection;

use super::sql::Cached;
use super::users::display_name;
use super::{StoreResult, invites, optional, settings};

/// The checklist's steps, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// The owner's and the business's names.
    Profile,
    /// The admin password changed (or chosen on the first visit).
    Password,
    /// The Telegram bot connected and polling.
    Telegram,
    /// At least one more person invited or added.
    Team,
    /// Someone signed in from a device other than the pilito-box computer.
    Device,
    /// A customer's message answered by a person.
    Test,
}

impl Step {
    pub const ALL: [Self; 6] = [
        Self::Profile,
        Self::Password,
        Self::Telegram,
        Self::Team,
        Self::Device,
        Self::Test,
    ];

    /// The wire and URL name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Password => "password",
            Self::Telegram => "telegram",
            Self::Team => "team",
            Self::Device => "device",
            Self::Test => "test",
        }
    }

    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The settings key that says this step is skipped.
    #[must_use]
    pub fn skipped_key(self) -> String {
        format!("{}{}", settings::SKIPPED_PREFIX, self.as_str())
    }
}

/// The newest message a customer sent, for the checklist's test step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastCustomerMessage {
    pub id: String,
    pub conversation_id: String,
    pub customer_name: String,
    pub content: String,
    /// Stored form.
    pub created_at: String,
}

/// Everything the checklist is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Every `setup.*` setting, by key.
    pub settings: HashMap<String, String>,
    /// Active users.
    pub users: i64,
    /// Invites to join neither used, revoked nor expired.
    pub pending_invites: i64,
    /// Whether the webhook channel has a URL.
    pub webhook: bool,
    /// Whether a person ever answered a customer's message.
    pub answered: bool,
    pub last_customer_message: Option<LastCustomerMessage>,
}

impl Facts {
    /// Whether the setting `key` is set.
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.settings.contains_key(key)
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }
}

/// Reads the checklist's facts at `now` (stored form).
pub fn facts(conn: &Connection, now: &str) -> StoreResult<Facts> {
    let settings: HashMap<String, String> =
        settings::with_prefix(conn, "setup.")?.into_iter().collect();
    let users = conn.row("SELECT COUNT(*) FROM users WHERE is_active = 1", [], |r| {
        r.get(0)
    })?;
    let answered = settings.contains_key(settings::ANSWERED) || answered(conn)?;
    Ok(Facts {
        users,
        pending_invites: invites::pending_agents(conn, now)?,
        webhook: settings::get(conn, settings::WEBHOOK_URL)?.is_some(),
        answered,
        last_customer_message: last_customer_message(conn)?,
        settings,
    })
}

/// Whether a support message by a person follows a customer's message in some conversation.
/// Costly on a large box with no such answer, which is why [`settings::ANSWERED`] keeps the
/// first `true`.
fn answered(conn: &Connection) -> StoreResult<bool> {
    Ok(conn.row(
        "SELECT EXISTS (SELECT 1 FROM messages s WHERE s.type = 'support' \
           AND s.sender_user_id IS NOT NULL \
           AND EXISTS (SELECT 1 FROM messages c WHERE c.conversation_id = s.conversation_id \
                       AND c.type = 'customer' AND c.seq < s.seq))",
        [],
        |r| r.get(0),
    )?)
}

fn last_customer_message(conn: &Connection) -> StoreResult<Option<LastCustomerMessage>> {
    optional(conn.row(
        "SELECT m.id, m.conversation_id, m.content, m.created_at, \
                cu.first_name, cu.last_name, cu.username \
         FROM messages m JOIN customers cu ON cu.id = m.customer_id \
         WHERE m.type = 'customer' ORDER BY m.seq DESC LIMIT 1",
        [],
        |r| {
            let (first, last, handle): (Option<String>, Option<String>, Option<String>) =
                (r.get(4)?, r.get(5)?, r.get(6)?);
            Ok(LastCustomerMessage {
                id: r.get(0)?,
                conversation_id: r.get(1)?,
                content: r.get(2)?,
                created_at: r.get(3)?,
                customer_name: display_name(
                    handle.as_deref().unwrap_or_default(),
                    first.as_deref(),
                    last.as_deref(),
                ),
            })
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::inbound::{self, Inbound};
    use crate::storage::test_db;
    use crate::storage::users::{self, NewUser, Role};

    fn user(db: &Connection, name: &str) -> i64 {
        let new = NewUser {
            username: name.into(),
            email: None,
            password_hash: "x".into(),
            role: Role::Admin,
            first_name: None,
            last_name: None,
        };
        users::insert(db, &new).unwrap().id
    }

    fn hello(db: &Connection) -> String {
        let inbound = Inbound {
            source: "telegram".into(),
            source_id: "42".into(),
            first_name: Some("Maryam".into()),
            last_name: None,
            username: Some("maryam".into()),
            content: "hello".into(),
            client_msg_id: None,
            media: None,
        };
        inbound::receive(db, &inbound)
            .unwrap()
            .stored
            .conversation
            .id
    }

    #[test]
    fn an_answer_counts_only_from_a_person_after_the_customer() {
        let db = test_db();
        let owner = user(&db, "owner");
        assert!(!facts(&db, &crate::clock::now_db()).unwrap().answered);
        let conversation = hello(&db);
        let f = facts(&db, &crate::clock::now_db()).unwrap();
        assert!(!f.answered);
        let last = f.last_customer_message.unwrap();
        assert_eq!(
            (last.content.as_str(), last.customer_name.as_str()),
            ("hello", "Maryam")
        );
        db.execute(
            "INSERT INTO messages (id, conversation_id, type, content, created_at) \
             VALUES ('ai1', ?1, 'support', 'bot', '2026-01-01T00:00:00.000Z')",
            [&conversation],
        )
        .unwrap();
        assert!(!facts(&db, &crate::clock::now_db()).unwrap().answered);
        db.execute(
            "INSERT INTO messages (id, conversation_id, sender_user_id, type, content, created_at) \
             VALUES ('s1', ?1, ?2, 'support', 'hi', '2026-01-01T00:00:00.000Z')",
            rusqlite::params![conversation, owner],
        )
        .unwrap();
        let f = facts(&db, &crate::clock::now_db()).unwrap();
        assert!(f.answered);
        assert_eq!(f.users, 1);
    }

    #[test]
    fn steps_round_trip_their_names() {
        for step in Step::ALL {
            assert_eq!(Step::parse(step.as_str()), Some(step));
        }
        assert_eq!(Step::parse("nope"), None);
        assert_eq!(Step::Team.skipped_key(), "setup.skipped.team");
    }
}
