//! A user changing their own password: the current one is checked, the new one must pass the
//! policy, and every other sign-in of the user ends (their sockets are closed with reason
//! `own_password_changed`); the sign-in that made the change keeps working.

use super::{Inbox, InboxError, InboxResult};
use crate::auth::{Identity, passwords};
use crate::protocol::codes::http as code;
use crate::protocol::rest::OwnPasswordBody;
use crate::storage::tokens::{self, RevokeReason};
use crate::storage::users::{self, Role};

impl Inbox {
    /// Sets `me`'s password to `body.new_password` if `body.current_password` is theirs;
    /// returns how many tokens of other sign-ins were revoked.
    pub async fn change_own_password(
        &self,
        me: &Identity,
        body: OwnPasswordBody,
    ) -> InboxResult<usize> {
        let id = me.user.id;
        if !self
            .auth
            .password_matches(id, body.current_password)
            .await?
        {
            tracing::info!("{} typed a wrong current password", me.user.username);
            return Err(InboxError::invalid(
                code::WRONG_PASSWORD,
                "The current password is not right.",
            ));
        }
        passwords::check(&me.user.username, &body.new_password)?;
        let hash = self.auth.hash(body.new_password).await?;
        let jti = me.jti.clone();
        let ended = self
            .store
            .write(move |c| {
                let session = match &jti {
                    Some(jti) => {
                        tokens::lookup(c, jti)?.and_then(|t| t.session.or(Some(jti.clone())))
                    }
                    None => None,
                };
                users::set_password(c, id, &hash)?;
                match session {
                    Some(session) => {
                        tokens::revoke_user_except(c, id, &session, RevokeReason::OwnPassword)
                    }
                    None => tokens::revoke_user(c, id, RevokeReason::OwnPassword),
                }
            })
            .await?;
        self.revocation();
        if me.user.role == Role::Admin {
            self.setup_password_changed().await?;
        }
        tracing::info!(
            "{} changed their password; {ended} tokens of other sign-ins revoked",
            me.user.username
        );
        Ok(ended)
    }
}
