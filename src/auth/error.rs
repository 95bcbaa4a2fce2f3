//! Why a caller is not authenticated, and the one place such a failure gets its `error_code`,
//! its user-facing text and the `reason` a page turns into words (PROTOCOL §3.2).

use crate::protocol::codes::auth as code;
use crate::storage::StoreError;
use crate::storage::tokens::RevokeReason;

/// Why a caller is not authenticated (PROTOCOL §3.2).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No token was given.
    #[error("no token")]
    NoToken,
    /// Not a JWT, a bad signature, a wrong algorithm or a wrong `type`.
    #[error("invalid token")]
    Invalid,
    /// The token has no `user_id`.
    #[error("token without user_id")]
    BadPayload,
    #[error("expired token")]
    Expired,
    /// Revoked (for the reason, when it is known) or never recorded (`None`).
    #[error("revoked token")]
    Revoked(Option<RevokeReason>),
    /// The user does not exist.
    #[error("user not found")]
    UserNotFound,
    /// The user exists and is deactivated.
    #[error("user deactivated")]
    Disabled,
    /// Development mode found no user to fall back to.
    #[error("no user exists")]
    NoUserAvailable,
    /// The database failed; not the caller's fault.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuthError {
    /// The `error_code` clients switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoToken | Self::UserNotFound | Self::Disabled | Self::Store(_) => {
                code::AUTH_REQUIRED
            }
            Self::Invalid | Self::BadPayload | Self::Revoked(_) => code::INVALID_TOKEN,
            Self::Expired => code::EXPIRED_TOKEN,
            Self::NoUserAvailable => code::NO_USER_AVAILABLE,
        }
    }

    /// The user-facing `message`.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self {
            Self::NoToken => "No authentication token provided",
            Self::Invalid | Self::Expired | Self::Revoked(_) => {
                "Invalid or expired authentication token"
            }
            Self::BadPayload => "Invalid token payload",
            Self::UserNotFound | Self::Disabled => "User not found",
            Self::NoUserAvailable => "Authentication required",
            Self::Store(_) => "Authentication error",
        }
    }

    /// Why the session ended, in one word a page turns into a sentence (the frame's `reason`).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Revoked(Some(RevokeReason::Logout)) => "signed_out",
            Self::Revoked(Some(RevokeReason::Password)) => "password_changed",
            Self::Revoked(Some(RevokeReason::OwnPassword)) => "own_password_changed",
            Self::Revoked(Some(RevokeReason::Disabled)) | Self::Disabled => "disabled",
            Self::Revoked(Some(RevokeReason::Deleted)) => "removed",
            Self::NoToken
            | Self::Invalid
            | Self::BadPayload
            | Self::Revoked(None)
            | Self::UserNotFound
            | Self::NoUserAvailable
            | Self::Store(_) => "invalid",
        }
    }

    /// The failure an open socket gets when its token is revoked for `reason`.
    #[must_use]
    pub fn for_revocation(reason: RevokeReason) -> Self {
        match reason {
            RevokeReason::Disabled => Self::Disabled,
            other => Self::Revoked(Some(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_revocation_keeps_its_code_and_says_why() {
        let disabled = AuthError::for_revocation(RevokeReason::Disabled);
        assert_eq!(
            (disabled.code(), disabled.reason()),
            ("AUTH_REQUIRED", "disabled")
        );
        let reset = AuthError::for_revocation(RevokeReason::Password);
        assert_eq!(
            (reset.code(), reset.reason()),
            ("INVALID_TOKEN", "password_changed")
        );
        assert_eq!(AuthError::Revoked(None).reason(), "invalid");
    }
}
