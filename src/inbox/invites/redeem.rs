//! Redeeming an invite: an agent invite creates the holder's account with the name and password
//! they chose; a reset invite sets its user's new password and ends their sign-ins. The invite
//! is marked used in the same write, only while it is still pending, so two redeems racing for
//! one code make one account.

use std::net::IpAddr;

use super::{code_hash, usable};
use crate::auth::passwords;
use crate::clock;
use crate::inbox::owner::display_name;
use crate::inbox::{Inbox, InboxError, InboxResult, InviteRefusal, SignIn};
use crate::protocol::codes::http as code;
use crate::protocol::invites::RedeemBody;
use crate::storage::invites::{self, InviteKind, InviteRow, InviteState};
use crate::storage::tokens::{self, RevokeReason};
use crate::storage::users::{self, NewUser, UserRow};
use crate::storage::{Entity, StoreResult};

/// Longest username, as for users an admin adds.
const MAX_USERNAME: usize = 150;

/// What the write came to: the account, or why the invite was not pending any more.
enum Outcome {
    Done(UserRow),
    Refused(InviteRefusal),
}

fn refusal(row: &InviteRow, now: &str) -> InviteRefusal {
    match row.state(now) {
        InviteState::Revoked => InviteRefusal::Revoked,
        InviteState::Expired => InviteRefusal::Expired,
        InviteState::Used | InviteState::Pending => InviteRefusal::Used,
    }
}

/// Marks `row` used, or says why it cannot be.
fn take(c: &rusqlite::Connection, row: &InviteRow) -> StoreResult<Option<InviteRefusal>> {
    let now = clock::now_db();
    if invites::mark_used(c, row.id, &now)? {
        return Ok(None);
    }
    Ok(Some(refusal(&invites::get(c, row.id)?, &now)))
}

impl Inbox {
    /// Redeems the invite `body.code` and signs its holder in.
    pub async fn redeem_invite(&self, from: IpAddr, body: RedeemBody) -> InboxResult<SignIn> {
        let hash = code_hash(&body.code)?;
        let row = self
            .store
            .read(move |c| invites::by_hash(c, &hash))
            .await?
            .ok_or(InboxError::NotFound(Entity::Invite))?;
        usable(&row, &clock::now_db())?;
        let outcome = match row.kind {
            InviteKind::Agent(role) => {
                let username = body.username.unwrap_or_default().trim().to_owned();
                if username.is_empty() || username.chars().count() > MAX_USERNAME {
                    return Err(InboxError::invalid(
                        code::INVALID_USERNAME,
                        "username must be 1-150 characters",
                    ));
                }
                let name = display_name(body.name)?;
                passwords::check(&username, &body.password)?;
                let new = NewUser {
                    username,
                    email: None,
                    password_hash: self.auth.hash(body.password).await?,
                    role,
                    first_name: name,
                    last_name: None,
                };
                self.store
                    .write(move |c| match take(c, &row)? {
                        Some(why) => Ok(Outcome::Refused(why)),
                        None => users::insert(c, &new).map(Outcome::Done),
                    })
                    .await?
            }
            InviteKind::Reset(user_id) => {
                let user = self.store.read(move |c| users::get(c, user_id)).await?;
                if !user.is_active {
                    return Err(InboxError::AccountDisabled);
                }
                passwords::check(&user.username, &body.password)?;
                let hash = self.auth.hash(body.password).await?;
                let outcome = self
                    .store
                    .write(move |c| {
                        if let Some(why) = take(c, &row)? {
                            return Ok(Outcome::Refused(why));
                        }
                        users::set_password(c, user_id, &hash)?;
                        tokens::revoke_user(c, user_id, RevokeReason::Password)?;
                        users::get(c, user_id).map(Outcome::Done)
                    })
                    .await?;
                self.revocation();
                outcome
            }
        };
        let user = match outcome {
            Outcome::Done(user) => user,
            Outcome::Refused(why) => return Err(InboxError::Invite(why)),
        };
        tracing::info!("{} redeemed an invite", user.username);
        self.setup_changed().await;
        self.signed_in(&user, from).await
    }
}
