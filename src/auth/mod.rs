//! Who is calling: tokens (issue, verify, revoke), passwords (sign-in, policy, the bound on
//! argon2 work), and the one place auth failures get their `error_code` and user-facing text.

mod checks;
mod error;
pub mod passwords;
pub mod secret;
mod sign_in;
pub mod tokens;

use crate::clock;
use crate::config::TokenConfig;
use crate::storage::tokens::{self as token_rows, NewToken, RevokeReason};
use crate::storage::users::{self, UserRow};
use crate::storage::{Store, StoreError, StoreResult, revocations};

pub use checks::Checks;
pub use error::AuthError;
pub use sign_in::SignIn;
pub use tokens::{Keys, TokenKind};

#[derive(Debug, Clone)]
pub struct Identity {
    pub user: UserRow,
    /// The token's id (`None` for development mode's default user).
    pub jti: Option<String>,
    /// When the token expires, seconds since the epoch (`None`: never).
    pub expires_at: Option<i64>,
}

/// An access token and the refresh token issued with it.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Issues, checks and revokes tokens against the store.
#[derive(Clone)]
pub struct Auth {
    keys: Keys,
    store: Store,
    config: TokenConfig,
    checks: Checks,
}

impl Auth {
    /// An authenticator over `store`, signing with `keys`.
    #[must_use]
    pub fn new(keys: Keys, store: Store, config: TokenConfig) -> Self {
        Self {
            keys,
            store,
            config,
            checks: Checks::default(),
        }
    }

    /// Checks a token of `kind` and its user; the order of checks follows PROTOCOL §3.2.
    pub async fn verify(&self, token: &str, kind: TokenKind) -> Result<Identity, AuthError> {
        Ok(self.verify_with(token, kind, |_| Ok(())).await?.0)
    }

    /// [`Auth::verify`], running `also` in the same database read: a socket's connect checks its
    /// conversation without a second read. The read runs in place when a reader is free
    /// ([`crate::storage::Store::read_here`]): the hand-overs to the reader pool's threads and
    /// back were the largest single cost of a connect.
    pub async fn verify_with<T, F>(
        &self,
        token: &str,
        kind: TokenKind,
        also: F,
    ) -> Result<(Identity, T), AuthError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> StoreResult<T> + Send + 'static,
    {
        let claims = self.keys.verify(token).map_err(|e| match e {
            tokens::VerifyError::Expired => AuthError::Expired,
            tokens::VerifyError::Invalid => AuthError::Invalid,
        })?;
        if claims.kind.as_deref() != Some(kind.as_str()) {
            return Err(AuthError::Invalid);
        }
        let user_id = claims.user_id().ok_or(AuthError::BadPayload)?;
        let jti = claims.jti.clone().ok_or(AuthError::Invalid)?;
        let Some(user_id) = user_id else {
            return Err(AuthError::UserNotFound);
        };
        let lookup_jti = jti.clone();
        let (user, removed, record, also) = self
            .store
            .read_here(move |c| {
                let user = match users::get(c, user_id) {
                    Ok(u) => Some(u),
                    Err(StoreError::NotFound(_)) => None,
                    Err(e) => return Err(e),
                };
                let removed = user.is_none() && revocations::user_removed(c, user_id)?;
                Ok((user, removed, token_rows::lookup(c, &lookup_jti)?, also(c)?))
            })
            .await?;
        if removed {
            return Err(AuthError::Revoked(Some(RevokeReason::Deleted)));
        }
        let user = user.ok_or(AuthError::UserNotFound)?;
        if !user.is_active {
            return Err(AuthError::Disabled);
        }
        match record {
            Some(r) if !r.revoked && r.user_id == user.id => Ok((
                Identity {
                    user,
                    jti: Some(jti),
                    expires_at: Some(claims.exp),
                },
                also,
            )),
            Some(r) if r.user_id == user.id => Err(AuthError::Revoked(r.revoked_reason)),
            _ => Err(AuthError::Revoked(None)),
        }
    }

    /// Development mode's default user: the active user with the lowest id.
    pub async fn dev_user(&self) -> Result<Identity, AuthError> {
        let user = self.store.read(users::first_active).await?;
        let user = user.ok_or(AuthError::NoUserAvailable)?;
        Ok(Identity {
            user,
            jti: None,
            expires_at: None,
        })
    }

    /// Signs and records one token.
    pub async fn issue(
        &self,
        user_id: i64,
        kind: TokenKind,
        ttl_secs: Option<u64>,
    ) -> Result<String, AuthError> {
        let ttl = ttl_secs.unwrap_or(match kind {
            TokenKind::Access => self.config.access_ttl_secs,
            TokenKind::Refresh => self.config.refresh_ttl_secs,
        });
        let signed = self.sign(user_id, kind, ttl)?;
        let (jti, expires) = (signed.jti.clone(), clock::to_db(signed.expires_at));
        self.store
            .write(move |c| {
                token_rows::record(
                    c,
                    &NewToken {
                        jti: &jti,
                        user_id,
                        kind: kind.as_str(),
                        pair_jti: None,
                        session: None,
                        expires_at: &expires,
                    },
                )
            })
            .await?;
        Ok(signed.token)
    }

    /// Signs and records an access token and its refresh token, each naming the other: a new
    /// sign-in, whose session is the access token's id.
    pub async fn issue_pair(&self, user_id: i64) -> Result<TokenPair, AuthError> {
        self.issue_pair_in(user_id, None).await
    }

    async fn issue_pair_in(
        &self,
        user_id: i64,
        session: Option<String>,
    ) -> Result<TokenPair, AuthError> {
        let access = self.sign(user_id, TokenKind::Access, self.config.access_ttl_secs)?;
        let refresh = self.sign(user_id, TokenKind::Refresh, self.config.refresh_ttl_secs)?;
        let session = session.unwrap_or_else(|| access.jti.clone());
        let rows = [
            (
                access.jti.clone(),
                "access",
                refresh.jti.clone(),
                clock::to_db(access.expires_at),
            ),
            (
                refresh.jti.clone(),
                "refresh",
                access.jti.clone(),
                clock::to_db(refresh.expires_at),
            ),
        ];
        self.store
            .write(move |c| {
                for (jti, kind, pair, expires) in &rows {
                    token_rows::record(
                        c,
                        &NewToken {
                            jti,
                            user_id,
                            kind,
                            pair_jti: Some(pair),
                            session: Some(&session),
                            expires_at: expires,
                        },
                    )?;
                }
                Ok(())
            })
            .await?;
        Ok(TokenPair {
            access: access.token,
            refresh: refresh.token,
        })
    }

    /// Trades a refresh token for a new pair in the same session; the old refresh token stops
    /// working. The old access token is left to expire, so sockets opened with it are not
    /// thrown to sign-in; signing out revokes it with the rest of the session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, AuthError> {
        let identity = self.verify(refresh_token, TokenKind::Refresh).await?;
        let mut session = None;
        if let Some(jti) = identity.jti {
            session = self
                .store
                .write(move |c| {
                    token_rows::revoke(c, &jti, false, RevokeReason::Logout)?;
                    Ok(token_rows::lookup(c, &jti)?.and_then(|t| t.session))
                })
                .await?;
        }
        self.issue_pair_in(identity.user.id, session).await
    }

    /// Revokes every token of the sign-in `jti` belongs to (logout).
    pub async fn revoke(&self, jti: String) -> Result<(), AuthError> {
        self.store
            .write(move |c| token_rows::revoke_session(c, &jti, RevokeReason::Logout))
            .await?;
        Ok(())
    }

    fn sign(&self, user_id: i64, kind: TokenKind, ttl: u64) -> Result<tokens::Signed, AuthError> {
        self.keys.sign(user_id, kind, ttl).map_err(|e| {
            AuthError::Store(StoreError::Conflict(format!("could not sign a token: {e}")))
        })
    }
}
