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

/// The value under `key`, if one is set.
pub fn get(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    optional(
        conn.row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        }),
    )
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
}
