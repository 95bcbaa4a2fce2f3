//! The `settings` table: channel settings made from the agent page (bot token, webhook URL and
//! secret), the Telegram polling offset, and what the first-run setup has seen, by key.

use rusqlite::{Connection, params};

use super::sql::Cached;
use super::{StoreResult, optional};
use crate::clock;

/// The Telegram bot token set from the page (wins over the configuration's).
pub const TELEGRAM_TOKEN: &str = "telegram.bot_token";
/// The next `getUpdates` offset: one more than the last update stored.
pub const TELEGRAM_OFFSET: &str = "telegram.offset";
/// The webhook channel's URL.
pub const WEBHOOK_URL: &str = "webhook.url";
/// The webhook channel's signing secret.
pub const WEBHOOK_SECRET: &str = "webhook.secret";

/// Set once an admin has signed in (any way): the owner's first visit is no longer offered.
pub const ADMIN_SIGNED_IN: &str = "setup.admin_signed_in";
/// Set once the owner chose their password on the first visit.
pub const OWNER_PASSWORD_CHOSEN: &str = "setup.owner_password_chosen";
/// The business's name, shown on invites when set.
pub const BUSINESS_NAME: &str = "setup.business_name";
/// The owner's name as the setup checklist's first step asked for it.
pub const OWNER: &str = "setup.owner";
/// Set once an admin changed their own password.
pub const PASSWORD_CHANGED: &str = "setup.password_changed";
/// Set once someone signed in from another device than the pilito-box computer.
pub const DEVICE_SIGNED_IN: &str = "setup.device_signed_in";
/// Set once a customer's message was answered by a person (kept, so the check is not repeated).
pub const ANSWERED: &str = "setup.answered";
/// Set when the owner put the checklist away before it was complete.
pub const SETUP_DISMISSED: &str = "setup.dismissed";
/// `setup.skipped.<step>`: set while that step of the checklist is skipped.
pub const SKIPPED_PREFIX: &str = "setup.skipped.";

/// The value under `key`, if one is set.
pub fn get(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    optional(
        conn.row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        }),
    )
}

/// Every key starting with `prefix`, with its value.
pub fn with_prefix(conn: &Connection, prefix: &str) -> StoreResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, value FROM settings WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
    )?;
    let rows = stmt.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Sets `key` to `value`.
pub fn set(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.exec(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![key, value, clock::now_db()],
    )?;
    Ok(())
}

/// Removes `key`; returns whether it was set.
pub fn remove(conn: &Connection, key: &str) -> StoreResult<bool> {
    Ok(conn.exec("DELETE FROM settings WHERE key = ?1", [key])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;

    #[test]
    fn set_replaces_and_remove_forgets() {
        let db = test_db();
        assert_eq!(get(&db, WEBHOOK_URL).unwrap(), None);
        set(&db, WEBHOOK_URL, "http://a").unwrap();
        set(&db, WEBHOOK_URL, "http://b").unwrap();
        assert_eq!(get(&db, WEBHOOK_URL).unwrap().as_deref(), Some("http://b"));
        assert!(remove(&db, WEBHOOK_URL).unwrap());
        assert!(!remove(&db, WEBHOOK_URL).unwrap());
    }

    #[test]
    fn with_prefix_takes_only_that_prefix() {
        let db = test_db();
        set(&db, "setup.skipped.team", "1").unwrap();
        set(&db, "setup.skippedx", "1").unwrap();
        set(&db, WEBHOOK_URL, "http://a").unwrap();
        let found = with_prefix(&db, SKIPPED_PREFIX).unwrap();
        assert_eq!(
            found,
            vec![("setup.skipped.team".to_owned(), "1".to_owned())]
        );
    }
}
