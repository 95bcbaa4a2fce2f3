//! The `user_preferences` table: each user's agent-page preferences as one JSON object, which
//! the inbox reads and validates; storage keeps the text as given.

use rusqlite::{Connection, params};

use super::sql::Cached;
use super::{StoreResult, optional};
use crate::clock;

/// A user's stored preferences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesRow {
    /// A JSON object.
    pub body: String,
    pub updated_at: String,
}

/// The preferences `user_id` saved, if they ever did.
pub fn get(conn: &Connection, user_id: i64) -> StoreResult<Option<PreferencesRow>> {
    optional(conn.row(
        "SELECT body, updated_at FROM user_preferences WHERE user_id = ?1",
        [user_id],
        |r| {
            Ok(PreferencesRow {
                body: r.get(0)?,
                updated_at: r.get(1)?,
            })
        },
    ))
}

/// Replaces `user_id`'s preferences with `body` (a JSON object).
pub fn put(conn: &Connection, user_id: i64, body: &str) -> StoreResult<PreferencesRow> {
    let now = clock::now_db();
    conn.exec(
        "INSERT INTO user_preferences (user_id, body, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (user_id) DO UPDATE SET body = excluded.body, \
         updated_at = excluded.updated_at",
        params![user_id, body, now],
    )?;
    Ok(PreferencesRow {
        body: body.to_owned(),
        updated_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;
    use crate::storage::users::{self, NewUser, Role};

    #[test]
    fn put_replaces_and_a_removed_user_takes_theirs_along() {
        let db = test_db();
        let user = users::insert(
            &db,
            &NewUser {
                username: "sara".into(),
                email: None,
                password_hash: "x".into(),
                role: Role::Agent,
                first_name: None,
                last_name: None,
            },
        )
        .unwrap();
        assert_eq!(get(&db, user.id).unwrap(), None);
        put(&db, user.id, r#"{"sound":"bell"}"#).unwrap();
        put(&db, user.id, r#"{"sound":"off"}"#).unwrap();
        assert_eq!(
            get(&db, user.id).unwrap().unwrap().body,
            r#"{"sound":"off"}"#
        );
        users::delete(&db, user.id).unwrap();
        assert_eq!(get(&db, user.id).unwrap(), None);
    }
}
