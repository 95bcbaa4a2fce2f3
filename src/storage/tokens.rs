//! The `auth_tokens` table (every issued token, by `jti`) and the revocations that end them.

use super::sql::Cached;
use rusqlite::{Connection, params};

use super::{StoreResult, optional};
use crate::clock;

/// Why tokens were revoked; decides the `error_code` their open sockets are closed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    Logout,
    /// An admin (or the CLI) set a new password for the user.
    Password,
    /// The user changed their own password, ending their other sign-ins.
    OwnPassword,
    Disabled,
    Deleted,
}

impl RevokeReason {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::Password => "password",
            Self::OwnPassword => "own_password",
            Self::Disabled => "disabled",
            Self::Deleted => "deleted",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "logout" => Some(Self::Logout),
            "password" => Some(Self::Password),
            "own_password" => Some(Self::OwnPassword),
            "disabled" => Some(Self::Disabled),
            "deleted" => Some(Self::Deleted),
            _ => None,
        }
    }
}

/// A token about to be recorded.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub jti: &'a str,
    pub user_id: i64,
    /// `access` or `refresh`.
    pub kind: &'a str,
    /// The token issued together with this one.
    pub pair_jti: Option<&'a str>,
    /// The sign-in this token belongs to (every refresh of it included).
    pub session: Option<&'a str>,
    /// Expiry, stored form.
    pub expires_at: &'a str,
}

/// What the server knows about an issued token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub user_id: i64,
    /// `access` or `refresh`.
    pub kind: String,
    /// The token issued together with this one.
    pub pair_jti: Option<String>,
    pub session: Option<String>,
    pub revoked: bool,
    /// Why it was revoked (`None` when it is not, or was revoked before reasons were kept).
    pub revoked_reason: Option<RevokeReason>,
}

pub fn record(conn: &Connection, token: &NewToken<'_>) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO auth_tokens (jti, user_id, kind, pair_jti, session, issued_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        token.jti,
        token.user_id,
        token.kind,
        token.pair_jti,
        token.session,
        clock::now_db(),
        token.expires_at
    ])?;
    Ok(())
}

/// The record of a token, if this server issued it.
pub fn lookup(conn: &Connection, jti: &str) -> StoreResult<Option<TokenRecord>> {
    optional(
        conn.prepare_cached(
            "SELECT user_id, kind, pair_jti, session, revoked_at IS NOT NULL, revoked_reason \
             FROM auth_tokens WHERE jti = ?1",
        )?
        .query_row([jti], |r| {
            let reason: Option<String> = r.get(5)?;
            Ok(TokenRecord {
                user_id: r.get(0)?,
                kind: r.get(1)?,
                pair_jti: r.get(2)?,
                session: r.get(3)?,
                revoked: r.get(4)?,
                revoked_reason: reason.as_deref().and_then(RevokeReason::parse),
            })
        }),
    )
}

/// Revokes a token (and, with `with_pair`, the one issued with it); returns whether anything
/// was revoked.
pub fn revoke(
    conn: &Connection,
    jti: &str,
    with_pair: bool,
    reason: RevokeReason,
) -> StoreResult<bool> {
    let pair = if with_pair {
        lookup(conn, jti)?.and_then(|t| t.pair_jti)
    } else {
        None
    };
    let mut revoked = false;
    for id in std::iter::once(jti).chain(pair.as_deref()) {
        let now = clock::now_db();
        let n = conn.exec(
            "UPDATE auth_tokens SET revoked_at = ?2, revoked_reason = ?3 \
             WHERE jti = ?1 AND revoked_at IS NULL",
            params![id, now, reason.as_str()],
        )?;
        if n > 0 {
            conn.exec(
                "INSERT INTO revocations (jti, reason, created_at) VALUES (?1, ?2, ?3)",
                params![id, reason.as_str(), now],
            )?;
            revoked = true;
        }
    }
    Ok(revoked)
}

/// Revokes every token of the sign-in `jti` belongs to (a token from before sessions were
/// recorded: it and its pair); returns how many were revoked.
pub fn revoke_session(conn: &Connection, jti: &str, reason: RevokeReason) -> StoreResult<usize> {
    let Some(session) = lookup(conn, jti)?.and_then(|t| t.session) else {
        return Ok(usize::from(revoke(conn, jti, true, reason)?));
    };
    let now = clock::now_db();
    let revoked: Vec<String> = conn
        .prepare_cached(
            "UPDATE auth_tokens SET revoked_at = ?2, revoked_reason = ?3 \
             WHERE session = ?1 AND revoked_at IS NULL RETURNING jti",
        )?
        .query_map(params![session, now, reason.as_str()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    log_revoked(conn, &revoked, reason, &now)
}

/// Logs each of `jtis` as revoked (the closer reads the log), returning how many.
fn log_revoked(
    conn: &Connection,
    jtis: &[String],
    reason: RevokeReason,
    now: &str,
) -> StoreResult<usize> {
    for id in jtis {
        conn.exec(
            "INSERT INTO revocations (jti, reason, created_at) VALUES (?1, ?2, ?3)",
            params![id, reason.as_str(), now],
        )?;
    }
    Ok(jtis.len())
}

/// Revokes every token of a user.
pub fn revoke_user(conn: &Connection, user_id: i64, reason: RevokeReason) -> StoreResult<usize> {
    let now = clock::now_db();
    let n = conn.exec(
        "UPDATE auth_tokens SET revoked_at = ?2, revoked_reason = ?3 \
         WHERE user_id = ?1 AND revoked_at IS NULL",
        params![user_id, now, reason.as_str()],
    )?;
    conn.exec(
        "INSERT INTO revocations (user_id, reason, created_at) VALUES (?1, ?2, ?3)",
        params![user_id, reason.as_str(), now],
    )?;
    Ok(n)
}

/// Revokes every token of a user but those of sign-in `session` (a password change keeps the
/// sign-in that made it); each revoked token is logged by itself, so only its sockets close.
pub fn revoke_user_except(
    conn: &Connection,
    user_id: i64,
    session: &str,
    reason: RevokeReason,
) -> StoreResult<usize> {
    let now = clock::now_db();
    let revoked: Vec<String> = conn
        .prepare_cached(
            "UPDATE auth_tokens SET revoked_at = ?3, revoked_reason = ?4 WHERE user_id = ?1 \
             AND session IS NOT ?2 AND revoked_at IS NULL RETURNING jti",
        )?
        .query_map(params![user_id, session, now, reason.as_str()], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    log_revoked(conn, &revoked, reason, &now)
}

/// Records that every token of a deleted user is gone, so their open sockets close (the
/// tokens themselves were deleted with the user).
pub fn log_user_removed(conn: &Connection, user_id: i64) -> StoreResult<()> {
    conn.exec(
        "INSERT INTO revocations (user_id, reason, created_at) VALUES (?1, 'deleted', ?2)",
        params![user_id, clock::now_db()],
    )?;
    Ok(())
}

/// Forgets tokens that expired; they can no longer authenticate anyway.
pub fn purge_expired(conn: &Connection) -> StoreResult<usize> {
    Ok(conn.exec(
        "DELETE FROM auth_tokens WHERE expires_at < ?1",
        [clock::now_db()],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;
    use crate::storage::users::{self, NewUser, Role};

    fn user(db: &Connection) -> i64 {
        users::insert(
            db,
            &NewUser {
                username: "sara".into(),
                email: None,
                password_hash: "h".into(),
                role: Role::Agent,
                first_name: None,
                last_name: None,
            },
        )
        .unwrap()
        .id
    }

    fn token<'a>(jti: &'a str, user_id: i64, pair: Option<&'a str>) -> NewToken<'a> {
        NewToken {
            jti,
            user_id,
            kind: "access",
            pair_jti: pair,
            session: None,
            expires_at: "2999-01-01T00:00:00.000000Z",
        }
    }

    #[test]
    fn revoking_one_token_revokes_its_pair() {
        let db = test_db();
        let uid = user(&db);
        record(&db, &token("a", uid, Some("r"))).unwrap();
        record(&db, &token("r", uid, Some("a"))).unwrap();
        assert!(revoke(&db, "a", true, RevokeReason::Logout).unwrap());
        assert!(lookup(&db, "r").unwrap().unwrap().revoked);
        assert!(!revoke(&db, "a", true, RevokeReason::Logout).unwrap());
    }

    #[test]
    fn revoking_a_user_revokes_all_tokens() {
        let db = test_db();
        let uid = user(&db);
        record(&db, &token("a", uid, None)).unwrap();
        record(&db, &token("b", uid, None)).unwrap();
        assert_eq!(revoke_user(&db, uid, RevokeReason::Disabled).unwrap(), 2);
        let b = lookup(&db, "b").unwrap().unwrap();
        assert!(b.revoked);
        assert_eq!(b.revoked_reason, Some(RevokeReason::Disabled));
    }

    #[test]
    fn revoking_all_but_one_session_keeps_that_session() {
        let db = test_db();
        let uid = user(&db);
        let here = NewToken {
            session: Some("here"),
            ..token("a", uid, None)
        };
        record(&db, &here).unwrap();
        record(&db, &token("b", uid, None)).unwrap();
        let n = revoke_user_except(&db, uid, "here", RevokeReason::OwnPassword).unwrap();
        assert_eq!(n, 1);
        assert!(!lookup(&db, "a").unwrap().unwrap().revoked);
        let b = lookup(&db, "b").unwrap().unwrap();
        assert_eq!(b.revoked_reason, Some(RevokeReason::OwnPassword));
    }

    #[test]
    fn revoking_a_session_revokes_every_refresh_of_it_and_logs_each_token() {
        let db = test_db();
        let uid = user(&db);
        let in_session = |jti, pair| NewToken {
            session: Some("s1"),
            ..token(jti, uid, Some(pair))
        };
        for (jti, pair) in [("a1", "r1"), ("r1", "a1"), ("a2", "r2"), ("r2", "a2")] {
            record(&db, &in_session(jti, pair)).unwrap();
        }
        record(&db, &token("other", uid, None)).unwrap();
        assert_eq!(revoke_session(&db, "a2", RevokeReason::Logout).unwrap(), 4);
        assert!(lookup(&db, "a1").unwrap().unwrap().revoked);
        assert!(!lookup(&db, "other").unwrap().unwrap().revoked);
        let logged: i64 = db
            .query_row(
                "SELECT count(*) FROM revocations WHERE jti IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(logged, 4, "each socket's token is closed by its own entry");
    }
}
