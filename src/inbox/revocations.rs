//! Revoked tokens close their sockets: the revocation log (written by this server and by CLI
//! commands in other processes) is read after each revocation and polled, and every socket
//! opened with a revoked token, or of a disabled or removed user, gets the 4001 sequence.

use super::Inbox;
use crate::auth::AuthError;
use crate::clock;
use crate::hub::{Close, Frame};
use crate::protocol::codes::close;
use crate::protocol::server::ServerFrame;
use crate::storage::revocations;

/// The `authentication_error` frame for a failure (PROTOCOL §3.2).
#[must_use]
pub fn auth_error_frame(why: &AuthError) -> Frame {
    ServerFrame::AuthenticationError {
        message: why.message(),
        error_code: why.code(),
        reason: why.reason(),
        timestamp: clock::now_wire(),
    }
    .encode()
}

/// The 4001 close carrying the `authentication_error` frame for `why`.
#[must_use]
pub fn auth_close(why: &AuthError) -> Close {
    Close {
        last_frame: Some(auth_error_frame(why)),
        code: close::AUTH,
        reason: "authentication error",
    }
}

impl Inbox {
    /// The newest position of the revocation log, where [`Inbox::close_revoked`] starts.
    pub async fn revocations_seen(&self) -> i64 {
        match self.store.read(revocations::latest).await {
            Ok(latest) => latest,
            Err(e) => {
                tracing::error!("cannot read the revocation log: {e}");
                0
            }
        }
    }

    /// Closes the sockets of every revocation after `seen`; returns the newest position read.
    pub async fn close_revoked(&self, seen: i64) -> i64 {
        let revoked = match self.store.read(move |c| revocations::since(c, seen)).await {
            Ok(revoked) => revoked,
            Err(e) => {
                tracing::warn!("cannot read the revocation log: {e}");
                return seen;
            }
        };
        let mut newest = seen;
        for r in revoked {
            newest = newest.max(r.id);
            let close = auth_close(&AuthError::for_revocation(r.reason));
            let closed = match (&r.jti, r.user_id) {
                (Some(jti), _) => self.hub.close_token(jti, &close),
                (None, Some(user_id)) => self.hub.close_user(user_id, &close),
                (None, None) => 0,
            };
            if closed > 0 {
                tracing::info!(
                    "closed {closed} sockets whose token was revoked ({})",
                    r.reason.as_str()
                );
            }
        }
        newest
    }
}
