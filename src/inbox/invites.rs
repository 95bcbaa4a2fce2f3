//! Invites instead of passwords passed by hand: an admin makes one (a code shown once, kept as
//! its SHA-256), lists the pending ones and revokes them; anyone holding a code may check what
//! it is for, and redeem it once ([`redeem`]) to create their account or choose a new password.
//! A code never reaches a log line.

mod redeem;

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{Inbox, InboxError, InboxResult, InviteRefusal};
use crate::auth::Identity;
use crate::protocol::codes::http as code;
use crate::protocol::invites::{InviteCheckView, NewInviteBody};
use crate::storage::invites::{self, InviteKind, InviteRow, InviteState};
use crate::storage::users::{self, Role};
use crate::storage::{Entity, settings};
use crate::{clock, ids};

/// Random bytes in a code: 128 bits, written as 32 hex digits.
const CODE_BYTES: usize = 16;

/// An invite just made, with its code (never stored).
#[derive(Debug, Clone)]
pub struct CreatedInvite {
    pub invite: InviteRow,
    pub code: String,
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The stored form of `code`, after checking its shape.
fn code_hash(code: &str) -> InboxResult<String> {
    let code = code.trim();
    if code.len() != 2 * CODE_BYTES || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(InboxError::invalid(
            code::INVALID_INVITE,
            "An invite code is 32 hexadecimal digits; copy the whole link",
        ));
    }
    Ok(hex(&Sha256::digest(code.to_ascii_lowercase().as_bytes())))
}

/// Refuses an invite that is not pending now.
fn usable(row: &InviteRow, now: &str) -> InboxResult<()> {
    match row.state(now) {
        InviteState::Pending => Ok(()),
        InviteState::Used => Err(InboxError::Invite(InviteRefusal::Used)),
        InviteState::Revoked => Err(InboxError::Invite(InviteRefusal::Revoked)),
        InviteState::Expired => Err(InboxError::Invite(InviteRefusal::Expired)),
    }
}

fn kind_of(body: &NewInviteBody) -> InboxResult<InviteKind> {
    match body.kind.as_str() {
        "agent" => {
            let role = match body.role.as_deref() {
                None => Role::Agent,
                Some(r) => Role::parse(r).ok_or_else(|| {
                    InboxError::invalid(code::INVALID_ROLE, "role must be admin or agent")
                })?,
            };
            Ok(InviteKind::Agent(role))
        }
        "reset" => body.user_id.map(InviteKind::Reset).ok_or_else(|| {
            InboxError::invalid(code::INVALID_INVITE, "a reset invite needs the user_id")
        }),
        _ => Err(InboxError::invalid(
            code::INVALID_INVITE,
            "kind must be agent or reset",
        )),
    }
}

impl Inbox {
    /// Makes an invite valid for `ttl`; the answer holds its code, which is never stored.
    pub async fn create_invite(
        &self,
        by: &Identity,
        body: &NewInviteBody,
        ttl: Duration,
    ) -> InboxResult<CreatedInvite> {
        let kind = kind_of(body)?;
        let code = hex(&ids::random_bytes(CODE_BYTES));
        let hash = code_hash(&code)?;
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(1));
        let expires = clock::to_db(chrono::Utc::now() + ttl);
        let creator = by.user.id;
        let invite = self
            .store
            .write(move |c| {
                if let InviteKind::Reset(user) = kind {
                    users::get(c, user)?;
                }
                invites::insert(c, &hash, kind, creator, &expires)
            })
            .await?;
        tracing::info!(
            "{} made {} invite {} (until {})",
            by.user.username,
            kind.as_str(),
            invite.id,
            invite.expires_at
        );
        self.setup_changed().await;
        Ok(CreatedInvite { invite, code })
    }

    /// The invites that may still be redeemed, newest first.
    pub async fn pending_invites(&self) -> InboxResult<Vec<InviteRow>> {
        let now = clock::now_db();
        Ok(self.store.read(move |c| invites::pending(c, &now)).await?)
    }

    /// Revokes invite `id`; one already used cannot be.
    pub async fn revoke_invite(&self, by: &Identity, id: i64) -> InboxResult<InviteRow> {
        let row = self.store.write(move |c| invites::revoke(c, id)).await?;
        if row.used_at.is_some() {
            return Err(InboxError::Invite(InviteRefusal::Used));
        }
        tracing::info!("{} revoked invite {id}", by.user.username);
        self.setup_changed().await;
        Ok(row)
    }

    /// What a code is for, if it may still be redeemed.
    pub async fn check_invite(&self, code: &str) -> InboxResult<InviteCheckView> {
        let hash = code_hash(code)?;
        let (row, username, business) = self
            .store
            .read(move |c| {
                let Some(row) = invites::by_hash(c, &hash)? else {
                    return Ok((None, None, None));
                };
                let username = match row.kind {
                    InviteKind::Reset(user) => Some(users::get(c, user)?.username),
                    InviteKind::Agent(_) => None,
                };
                let business = settings::get(c, settings::BUSINESS_NAME)?;
                Ok((Some(row), username, business))
            })
            .await?;
        let row = row.ok_or(InboxError::NotFound(Entity::Invite))?;
        usable(&row, &clock::now_db())?;
        Ok(InviteCheckView {
            kind: row.kind.as_str(),
            role: match row.kind {
                InviteKind::Agent(role) => Some(role.as_str()),
                InviteKind::Reset(_) => None,
            },
            username,
            business_name: business.filter(|b| !b.trim().is_empty()),
            expires_at: row.expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_for_shape_and_hashed_without_case() {
        let code = hex(&[0xab; CODE_BYTES]);
        assert_eq!(code.len(), 32);
        assert_eq!(
            code_hash(&code).unwrap(),
            code_hash(&code.to_uppercase()).unwrap()
        );
        assert_ne!(code_hash(&code).unwrap(), code);
        for bad in ["", "abc", &"g".repeat(32)] {
            assert!(matches!(
                code_hash(bad),
                Err(InboxError::Invalid {
                    code: code::INVALID_INVITE,
                    ..
                })
            ));
        }
    }
}
