//! Sign-in, token refresh and sign-out: the token changes a user makes for themselves. Every way
//! of signing in (a password, the owner's first visit, an invite) ends in [`Inbox::signed_in`].

use std::net::IpAddr;

use super::{Inbox, InboxError, InboxResult};
use crate::auth::{AuthError, SignIn as Attempt, TokenKind, TokenPair};
use crate::protocol::codes::http as code;
use crate::protocol::rest::{LoginBody, LogoutBody};
use crate::storage::users::UserRow;

/// A successful sign-in.
#[derive(Debug)]
pub struct SignIn {
    pub user: UserRow,
    pub tokens: TokenPair,
}

impl Inbox {
    /// Checks a name (or e-mail) and password and issues a token pair; an unknown name and a
    /// wrong password are refused alike, a disabled user with the right password is told so.
    pub async fn sign_in(&self, from: IpAddr, login: LoginBody) -> InboxResult<SignIn> {
        let name = login.email_or_username.trim().to_owned();
        let user = match self.auth.sign_in(&name, login.password).await? {
            Attempt::Accepted(user) => user,
            Attempt::Refused { known } => {
                if let Some(known) = known {
                    tracing::info!("failed sign-in as {known:?} from {from}");
                } else {
                    tracing::info!("failed sign-in with an unknown name from {from}");
                }
                return Err(InboxError::invalid(
                    code::INVALID_CREDENTIALS,
                    "Invalid email/username or password.",
                ));
            }
            Attempt::Disabled(user) => {
                tracing::info!(
                    "refused sign-in of disabled {:?} from {from}",
                    user.username
                );
                return Err(InboxError::AccountDisabled);
            }
        };
        self.signed_in(&user, from).await
    }

    /// Issues the token pair of a new sign-in of `user`, and tells the setup checklist (an
    /// admin's sign-in ends the owner's first visit; one from another device is the device
    /// step).
    pub async fn signed_in(&self, user: &UserRow, from: IpAddr) -> InboxResult<SignIn> {
        let tokens = self.auth.issue_pair(user.id).await?;
        self.setup_signed_in(from, user.role).await?;
        tracing::info!("{} signed in from {from}", user.username);
        Ok(SignIn {
            user: user.clone(),
            tokens,
        })
    }

    /// Trades a refresh token for a new pair; the old refresh token stops working.
    pub async fn refresh(&self, refresh_token: &str) -> InboxResult<TokenPair> {
        Ok(self.auth.refresh(refresh_token).await?)
    }

    /// Revokes the access token the caller presented and the refresh token in the body, each
    /// with its pair; tokens that are already invalid are ignored.
    pub async fn sign_out(&self, access: Option<String>, body: LogoutBody) -> InboxResult<()> {
        let presented = [
            (access, TokenKind::Access),
            (body.refresh, TokenKind::Refresh),
        ];
        for (token, kind) in presented {
            let Some(token) = token else { continue };
            match self.auth.verify(&token, kind).await {
                Ok(identity) => {
                    if let Some(jti) = identity.jti {
                        self.auth.revoke(jti).await?;
                        tracing::info!("{} signed out", identity.user.username);
                    }
                }
                Err(AuthError::Store(e)) => return Err(e.into()),
                Err(_) => {}
            }
        }
        self.revocation();
        Ok(())
    }
}
