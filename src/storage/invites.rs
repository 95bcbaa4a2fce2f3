//! The `invites` table: single-use, expiring invites to join (`agent`) or to choose a new
//! password (`reset`), each known by the SHA-256 of its code, never the code itself.

use rusqlite::{Connection, Row, params};

use super::sql::Cached;
use super::users::Role;
use super::{Entity, StoreError, StoreResult, optional};
use crate::clock;

/// What an invite lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteKind {
    /// Create an account with the invite's role.
    Agent(Role),
    /// Choose a new password for the user.
    Reset(i64),
}

impl InviteKind {
    /// The stored and wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent(_) => "agent",
            Self::Reset(_) => "reset",
        }
    }
}

/// A stored invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    pub id: i64,
    pub kind: InviteKind,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Where an invite stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    Pending,
    Used,
    Revoked,
    Expired,
}

impl InviteRow {
    /// Its state at `now` (stored form): used and revoked win over expired.
    #[must_use]
    pub fn state(&self, now: &str) -> InviteState {
        if self.used_at.is_some() {
            InviteState::Used
        } else if self.revoked_at.is_some() {
            InviteState::Revoked
        } else if self.expires_at.as_str() <= now {
            InviteState::Expired
        } else {
            InviteState::Pending
        }
    }
}

const COLUMNS: &str = "id, kind, role, user_id, created_by, created_at, expires_at, used_at, \
                       revoked_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<InviteRow> {
    let kind: String = row.get(1)?;
    let role: Option<String> = row.get(2)?;
    let user: Option<i64> = row.get(3)?;
    let kind = match (kind.as_str(), user) {
        ("reset", Some(user)) => InviteKind::Reset(user),
        _ => InviteKind::Agent(role.as_deref().and_then(Role::parse).unwrap_or(Role::Agent)),
    };
    Ok(InviteRow {
        id: row.get(0)?,
        kind,
        created_by: row.get(4)?,
        created_at: row.get(5)?,
        expires_at: row.get(6)?,
        used_at: row.get(7)?,
        revoked_at: row.get(8)?,
    })
}

/// Records a new invite known by `code_hash`, expiring at `expires_at` (stored form).
pub fn insert(
    conn: &Connection,
    code_hash: &str,
    kind: InviteKind,
    created_by: i64,
    expires_at: &str,
) -> StoreResult<InviteRow> {
    let (role, user) = match kind {
        InviteKind::Agent(role) => (Some(role.as_str()), None),
        InviteKind::Reset(user) => (None, Some(user)),
    };
    let inserted = conn.exec(
        "INSERT INTO invites (code_hash, kind, role, user_id, created_by, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            code_hash,
            kind.as_str(),
            role,
            user,
            created_by,
            clock::now_db(),
            expires_at
        ],
    );
    match inserted {
        Ok(_) => get(conn, conn.last_insert_rowid()),
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            Err(StoreError::NotFound(Entity::User))
        }
        Err(e) => Err(e.into()),
    }
}

/// The invite `id`.
pub fn get(conn: &Connection, id: i64) -> StoreResult<InviteRow> {
    let sql = format!("SELECT {COLUMNS} FROM invites WHERE id = ?1");
    super::found(conn.row(&sql, [id], from_row), Entity::Invite)
}

/// The invite whose code hashes to `code_hash`, if any.
pub fn by_hash(conn: &Connection, code_hash: &str) -> StoreResult<Option<InviteRow>> {
    let sql = format!("SELECT {COLUMNS} FROM invites WHERE code_hash = ?1");
    optional(conn.row(&sql, [code_hash], from_row))
}

/// Invites neither used, revoked nor expired at `now`, newest first.
pub fn pending(conn: &Connection, now: &str) -> StoreResult<Vec<InviteRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invites WHERE used_at IS NULL AND revoked_at IS NULL \
         AND expires_at > ?1 ORDER BY id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([now], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many invites to join (not password resets) are neither used, revoked nor expired at
/// `now`.
pub fn pending_agents(conn: &Connection, now: &str) -> StoreResult<i64> {
    Ok(conn.row(
        "SELECT COUNT(*) FROM invites WHERE kind = 'agent' AND used_at IS NULL \
         AND revoked_at IS NULL AND expires_at > ?1",
        [now],
        |r| r.get(0),
    )?)
}

/// Marks invite `id` used if it still may be at `now`; returns whether this call did. Two
/// redeems racing for one code: only one sees `true`.
pub fn mark_used(conn: &Connection, id: i64, now: &str) -> StoreResult<bool> {
    Ok(conn.exec(
        "UPDATE invites SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL \
         AND revoked_at IS NULL AND expires_at > ?2",
        params![id, now],
    )? == 1)
}

/// Revokes invite `id` unless it was used; returns the row after the change.
pub fn revoke(conn: &Connection, id: i64) -> StoreResult<InviteRow> {
    conn.exec(
        "UPDATE invites SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1 \
         AND used_at IS NULL",
        params![id, clock::now_db()],
    )?;
    get(conn, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;
    use crate::storage::users::{self, NewUser};

    fn admin(db: &Connection) -> i64 {
        let new = NewUser {
            username: "boss".into(),
            email: None,
            password_hash: "h".into(),
            role: Role::Admin,
            first_name: None,
            last_name: None,
        };
        users::insert(db, &new).unwrap().id
    }

    #[test]
    fn an_invite_is_used_once_and_not_after_revocation_or_expiry() {
        let db = test_db();
        let by = admin(&db);
        let later = "2999-01-01T00:00:00.000000Z";
        let a = insert(&db, "h1", InviteKind::Agent(Role::Agent), by, later).unwrap();
        let now = clock::now_db();
        assert_eq!(a.state(&now), InviteState::Pending);
        assert!(mark_used(&db, a.id, &now).unwrap());
        assert!(!mark_used(&db, a.id, &now).unwrap());
        assert_eq!(get(&db, a.id).unwrap().state(&now), InviteState::Used);
        let b = insert(&db, "h2", InviteKind::Reset(by), by, later).unwrap();
        assert_eq!(revoke(&db, b.id).unwrap().state(&now), InviteState::Revoked);
        assert!(!mark_used(&db, b.id, &now).unwrap());
        let c = insert(&db, "h3", InviteKind::Agent(Role::Admin), by, "2000-01-01").unwrap();
        assert_eq!(c.state(&now), InviteState::Expired);
        assert!(!mark_used(&db, c.id, &now).unwrap());
        assert!(pending(&db, &now).unwrap().is_empty());
        assert_eq!(pending_agents(&db, &now).unwrap(), 0);
        insert(&db, "h4", InviteKind::Reset(by), by, later).unwrap();
        assert_eq!(
            pending_agents(&db, &now).unwrap(),
            0,
            "a reset invites nobody"
        );
        insert(&db, "h5", InviteKind::Agent(Role::Agent), by, later).unwrap();
        assert_eq!(pending_agents(&db, &now).unwrap(), 1);
        assert_eq!(
            by_hash(&db, "h3").unwrap().unwrap().kind,
            InviteKind::Agent(Role::Admin)
        );
    }

    #[test]
    fn a_reset_invite_names_an_existing_user() {
        let db = test_db();
        let by = admin(&db);
        let made = insert(&db, "h", InviteKind::Reset(999), by, "2999-01-01");
        assert!(matches!(made, Err(StoreError::NotFound(Entity::User))));
    }
}
