//! The `users` table: the workspace's agents and admins.

use std::collections::HashMap;

use super::sql::Cached;
use rusqlite::{Connection, Row, params};

use super::{Entity, StoreError, StoreResult, found, is_unique_violation, optional};
use crate::clock;

/// What a user may do (PROTOCOL §16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manages users, settings and the blacklist, besides working the inbox.
    Admin,
    Agent,
}

impl Role {
    /// The stored and wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Agent => "agent",
        }
    }

    /// Parses a stored or user-given name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "admin" => Some(Self::Admin),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
}

/// A stored user, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    /// Unique sign-in name.
    pub username: String,
    /// Optional unique e-mail, also accepted at sign-in.
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    /// Deactivated users cannot sign in and hold no valid token.
    pub is_active: bool,
    /// Whether one of the user's sockets is open.
    pub is_online: bool,
    /// When the user was last seen online.
    pub last_seen_at: Option<String>,
    pub created_at: String,
}

impl UserRow {
    /// The name shown to other agents: "first last", else the username.
    #[must_use]
    pub fn display_name(&self) -> String {
        display_name(
            &self.username,
            self.first_name.as_deref(),
            self.last_name.as_deref(),
        )
    }
}

/// "first last", else the sign-in name: how every feed names a user.
#[must_use]
pub fn display_name(username: &str, first: Option<&str>, last: Option<&str>) -> String {
    let full = format!("{} {}", first.unwrap_or_default(), last.unwrap_or_default());
    let full = full.trim();
    if full.is_empty() {
        username.to_owned()
    } else {
        full.to_owned()
    }
}

/// A user as a message's author or a conversation's assignee: id and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    pub id: i64,
    /// [`display_name`].
    pub name: String,
}

/// The display names of the users with these ids (ids of no user are left out).
pub fn names(conn: &Connection, ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT id, username, first_name, last_name FROM users WHERE id IN ({})",
        super::sql::marks(ids.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(ids), |r| {
        let (first, last): (Option<String>, Option<String>) = (r.get(2)?, r.get(3)?);
        let name = display_name(&r.get::<_, String>(1)?, first.as_deref(), last.as_deref());
        Ok((r.get::<_, i64>(0)?, name))
    })?;
    for row in rows {
        let (id, name) = row?;
        found.insert(id, name);
    }
    Ok(found)
}

/// The user `id` names, if any: a conversation's assignee.
pub fn user_ref(conn: &Connection, id: Option<i64>) -> StoreResult<Option<UserRef>> {
    let Some(id) = id else { return Ok(None) };
    Ok(names(conn, &[id])?
        .remove(&id)
        .map(|name| UserRef { id, name }))
}

/// A user about to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name.
    pub username: String,
    /// Optional e-mail.
    pub email: Option<String>,
    /// argon2 PHC string.
    pub password_hash: String,
    pub role: Role,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

const COLUMNS: &str = "id, username, email, first_name, last_name, role, is_active, is_online, \
                       last_seen_at, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
    let role: String = row.get(5)?;
    Ok(UserRow {
        id: row.get(0)?,
        username: row.get(1)?,
        email: row.get(2)?,
        first_name: row.get(3)?,
        last_name: row.get(4)?,
        role: Role::parse(&role).unwrap_or(Role::Agent),
        is_active: row.get(6)?,
        is_online: row.get(7)?,
        last_seen_at: row.get(8)?,
        created_at: row.get(9)?,
    })
}

/// Creates a user; a taken username or e-mail is a [`StoreError::Conflict`].
pub fn insert(conn: &Connection, user: &NewUser) -> StoreResult<UserRow> {
    let now = clock::now_db();
    let inserted = conn.exec(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, role, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![
            user.username,
            user.email,
            user.password_hash,
            user.first_name,
            user.last_name,
            user.role.as_str(),
            now
        ],
    );
    match inserted {
        Ok(_) => get(conn, conn.last_insert_rowid()),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(format!(
            "a user named {:?} or with that e-mail already exists",
            user.username
        ))),
        Err(e) => Err(e.into()),
    }
}

pub fn get(conn: &Connection, id: i64) -> StoreResult<UserRow> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    found(conn.row(&sql, [id], from_row), Entity::User)
}

/// The user with this username or e-mail (case-insensitive).
pub fn find(conn: &Connection, name_or_email: &str) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = ?1 OR email = ?1 LIMIT 1");
    optional(conn.row(&sql, [name_or_email], from_row))
}

/// The user with this username, or [`StoreError::NotFound`].
pub fn by_username(conn: &Connection, username: &str) -> StoreResult<UserRow> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = ?1");
    found(conn.row(&sql, [username], from_row), Entity::User)
}

/// The stored password hash of a user.
pub fn password_hash(conn: &Connection, id: i64) -> StoreResult<String> {
    found(
        conn.row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| {
            r.get(0)
        }),
        Entity::User,
    )
}

/// Every user, oldest first.
pub fn list(conn: &Connection) -> StoreResult<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many users exist.
pub fn count(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// The active user with the lowest id (development mode's default user).
pub fn first_active(conn: &Connection) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE is_active = 1 ORDER BY id LIMIT 1");
    optional(conn.row(&sql, [], from_row))
}

/// The admin with the lowest id: the one the first start created.
pub fn first_admin(conn: &Connection) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE role = 'admin' ORDER BY id LIMIT 1");
    optional(conn.row(&sql, [], from_row))
}

/// Replaces a user's password hash.
pub fn set_password(conn: &Connection, id: i64, password_hash: &str) -> StoreResult<()> {
    let n = conn.exec(
        "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, password_hash, clock::now_db()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::User));
    }
    Ok(())
}

/// Activates or deactivates a user.
pub fn set_active(conn: &Connection, id: i64, active: bool) -> StoreResult<()> {
    let n = conn.exec(
        "UPDATE users SET is_active = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, active, clock::now_db()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::User));
    }
    Ok(())
}

/// Changes a user's role.
pub fn set_role(conn: &Connection, id: i64, role: Role) -> StoreResult<()> {
    let n = conn.exec(
        "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, role.as_str(), clock::now_db()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::User));
    }
    Ok(())
}

/// Changes a user's names and e-mail (each `None` leaves the field as it is).
pub fn set_details(
    conn: &Connection,
    id: i64,
    first_name: Option<&str>,
    last_name: Option<&str>,
    email: Option<&str>,
) -> StoreResult<()> {
    let changed = conn.exec(
        "UPDATE users SET first_name = coalesce(?2, first_name), last_name = coalesce(?3, last_name), \
         email = coalesce(nullif(?4, ''), email), updated_at = ?5 WHERE id = ?1",
        params![id, first_name, last_name, email, clock::now_db()],
    );
    match changed {
        Ok(0) => Err(StoreError::NotFound(Entity::User)),
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => {
            Err(StoreError::Conflict("another user has that e-mail".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Active admins other than `except`.
pub fn other_active_admins(conn: &Connection, except: i64) -> StoreResult<i64> {
    Ok(conn.row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND is_active = 1 AND id <> ?1",
        [except],
        |r| r.get(0),
    )?)
}

/// Removes a user; their conversations become unassigned and their tokens go with them.
pub fn delete(conn: &Connection, id: i64) -> StoreResult<()> {
    if conn.exec("DELETE FROM users WHERE id = ?1", [id])? == 0 {
        return Err(StoreError::NotFound(Entity::User));
    }
    Ok(())
}

/// Records a user as online or offline, seen now; returns the user after the change.
pub fn set_presence(conn: &Connection, id: i64, online: bool) -> StoreResult<UserRow> {
    conn.exec(
        "UPDATE users SET is_online = ?2, last_seen_at = ?3 WHERE id = ?1",
        params![id, online, clock::now_db()],
    )?;
    get(conn, id)
}

/// Marks everyone offline (at start, so a crash leaves nobody online; and at shutdown).
pub fn reset_presence(conn: &Connection) -> StoreResult<usize> {
    Ok(conn.exec(
        "UPDATE users SET is_online = 0, last_seen_at = coalesce(last_seen_at, ?1) \
         WHERE is_online = 1",
        [clock::now_db()],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;

    fn new(name: &str) -> NewUser {
        NewUser {
            username: name.into(),
            email: None,
            password_hash: "h".into(),
            role: Role::Agent,
            first_name: None,
            last_name: None,
        }
    }

    #[test]
    fn usernames_are_unique_case_insensitively() {
        let db = test_db();
        insert(&db, &new("sara")).unwrap();
        assert!(matches!(
            insert(&db, &new("Sara")),
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(find(&db, "SARA").unwrap().unwrap().username, "sara");
    }

    #[test]
    fn display_name_prefers_the_full_name() {
        let db = test_db();
        let mut u = new("sara");
        u.first_name = Some("Sara".into());
        u.last_name = Some("Ahmadi".into());
        assert_eq!(insert(&db, &u).unwrap().display_name(), "Sara Ahmadi");
        assert_eq!(insert(&db, &new("reza")).unwrap().display_name(), "reza");
    }

    #[test]
    fn first_active_skips_deactivated_users() {
        let db = test_db();
        let a = insert(&db, &new("a")).unwrap();
        let b = insert(&db, &new("b")).unwrap();
        set_active(&db, a.id, false).unwrap();
        assert_eq!(first_active(&db).unwrap().unwrap().id, b.id);
    }
}
