//! Why a change was refused, and the one table that says what the client is told about it: the
//! HTTP status, the `error_code` and the text. REST answers with all three; sockets put the text
//! in an error frame. `Display` is the log's text, [`InboxError::client`] the user's.

use std::borrow::Cow;

use crate::auth::AuthError;
use crate::auth::passwords::PasswordError;
use crate::protocol::codes::http as code;
use crate::protocol::rules::InvalidMessage;
use crate::storage::{Entity, StoreError};

/// Why the inbox refused or failed a change.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The input broke a rule; `code` is the client's `error_code`, `message` its text.
    #[error("invalid input ({code}): {message}")]
    Invalid {
        code: &'static str,
        message: Cow<'static, str>,
    },
    #[error("{0} not found")]
    NotFound(Entity),
    /// The caller's credentials are not (or no longer) good.
    #[error("authentication failed: {0}")]
    Auth(AuthError),
    /// Signed in, but not allowed to do this.
    #[error("permission denied")]
    Forbidden,
    /// The right password of a deactivated account.
    #[error("the account is disabled")]
    AccountDisabled,
    /// The change would break a rule of the workspace; the text says which.
    #[error("{0}")]
    Conflict(String),
    /// The disk or the configured cap is full; nothing of the change was kept.
    #[error("the database is full")]
    Full,
    /// The database failed; the client learns only that something went wrong.
    #[error(transparent)]
    Store(StoreError),
    /// A service outside the box (Telegram) could not be reached; `code` names which.
    #[error("{message}")]
    Upstream { code: &'static str, message: String },
    /// The owner's first-visit password was asked for from another computer.
    #[error("the owner's password may be chosen only on the pilito-box computer")]
    LoopbackOnly,
    /// The owner's first visit is over (their password was chosen, or an admin signed in).
    #[error("the first-visit setup is done")]
    SetupDone,
    /// The invite cannot be used any more; the variant says why.
    #[error("the invite is {}", .0.as_str())]
    Invite(InviteRefusal),
    /// Something else of the server's failed (the password hasher).
    #[error("{0}")]
    Internal(String),
}

impl InboxError {
    pub fn invalid(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// Whether the server, not the client, is at fault (logged at error level).
    #[must_use]
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Store(_) | Self::Full | Self::Internal(_))
    }

    /// What the client is told, for a failure while doing `action`.
    #[must_use]
    pub fn client(&self, action: Action) -> ClientError {
        let (status, code, message): (u16, _, Cow<'static, str>) = match self {
            Self::Invalid { code, message } => (400, *code, message.clone()),
            Self::NotFound(Entity::Conversation) => (
                404,
                code::CONVERSATION_NOT_FOUND,
                "Conversation not found".into(),
            ),
            Self::NotFound(Entity::Customer) => {
                (404, code::CUSTOMER_NOT_FOUND, "Customer not found".into())
            }
            Self::NotFound(Entity::Message) => (404, code::NOT_FOUND, action.missing_message()),
            Self::NotFound(Entity::BlacklistedAddress) => (
                404,
                code::NOT_FOUND,
                "that address is not blacklisted".into(),
            ),
            Self::NotFound(Entity::SavedReply) => (
                404,
                code::SAVED_REPLY_NOT_FOUND,
                "Saved reply not found".into(),
            ),
            Self::NotFound(Entity::Invite) => (
                404,
                code::INVITE_UNKNOWN,
                "No invite has this code; check the link".into(),
            ),
            Self::NotFound(other) => (404, code::NOT_FOUND, format!("{other} not found").into()),
            Self::Auth(why) => (401, why.code(), why.message().into()),
            Self::Forbidden => (
                403,
                code::PERMISSION_DENIED,
                "You do not have permission to perform this action.".into(),
            ),
            Self::AccountDisabled => (
                403,
                code::ACCOUNT_DISABLED,
                "This account is disabled. Ask an admin to turn it back on.".into(),
            ),
            Self::Conflict(text) => (409, code::CONFLICT, text.clone().into()),
            Self::LoopbackOnly => (
                403,
                code::SETUP_LOOPBACK_ONLY,
                "Open this page on the pilito-box computer itself to set the owner's password, \
                 or sign in with the password it printed"
                    .into(),
            ),
            Self::SetupDone => (
                409,
                code::SETUP_DONE,
                "The owner's password is set already; sign in".into(),
            ),
            Self::Invite(why) => (410, why.code(), why.message().into()),
            Self::Upstream { code, message } => (502, *code, message.clone().into()),
            Self::Full => (507, code::STORAGE_FULL, action.storage_full()),
            Self::Store(_) | Self::Internal(_) => {
                (500, code::INTERNAL_ERROR, action.failed().into())
            }
        };
        ClientError {
            status,
            code,
            message,
        }
    }
}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Full => Self::Full,
            StoreError::Conflict(text) => Self::Conflict(text),
            other => Self::Store(other),
        }
    }
}

impl From<AuthError> for InboxError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Store(e) => e.into(),
            other => Self::Auth(other),
        }
    }
}

impl From<PasswordError> for InboxError {
    fn from(refused: PasswordError) -> Self {
        match refused {
            PasswordError::Store(e) => e.into(),
            PasswordError::Hash(why) => Self::Internal(why),
            policy => Self::invalid(code::WEAK_PASSWORD, policy.to_string()),
        }
    }
}

impl From<InvalidMessage> for InboxError {
    fn from(invalid: InvalidMessage) -> Self {
        Self::invalid(invalid.code(), invalid.to_string())
    }
}

/// Why an invite that exists cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefusal {
    Expired,
    Used,
    Revoked,
}

impl InviteRefusal {
    fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Used => "used",
            Self::Revoked => "revoked",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Expired => code::INVITE_EXPIRED,
            Self::Used => code::INVITE_USED,
            Self::Revoked => code::INVITE_REVOKED,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::Expired => "This invite has expired; ask an admin for a new one",
            Self::Used => "This invite was used already; sign in, or ask an admin for a new one",
            Self::Revoked => "An admin revoked this invite; ask them for a new one",
        }
    }
}

/// What a client is told about a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    pub status: u16,
    pub code: &'static str,
    pub message: Cow<'static, str>,
}

/// What was being done when a change failed: the socket texts of the original name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Request,
    SaveMessage,
    MarkRead,
    Feedback,
    /// A history page with `before_id`/`after_id`.
    History,
}

impl Action {
    fn failed(self) -> &'static str {
        match self {
            Self::Request => "Internal server error",
            Self::SaveMessage => "Failed to save message",
            Self::MarkRead => "Failed to mark messages as read",
            Self::Feedback => "Failed to update feedback",
            Self::History => "Failed to load recent messages",
        }
    }

    fn storage_full(self) -> Cow<'static, str> {
        match self {
            Self::Request => "The server's storage is full; nothing was saved".into(),
            other => format!("{}: the server's storage is full", other.failed()).into(),
        }
    }

    fn missing_message(self) -> Cow<'static, str> {
        match self {
            Self::Feedback => "Message not found or you do not have permission to access it",
            Self::History => "Message not found for before_id/after_id",
            _ => "Message not found",
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_never_sees_the_log_text() {
        let e = InboxError::from(StoreError::Commit("disk I/O error at page 7".into()));
        let told = e.client(Action::SaveMessage);
        assert_eq!(
            (told.status, told.code, told.message.as_ref()),
            (500, "INTERNAL_ERROR", "Failed to save message")
        );
        assert!(e.is_internal());
        assert!(e.to_string().contains("page 7"));
    }

    #[test]
    fn not_found_is_typed() {
        let e = InboxError::from(StoreError::NotFound(Entity::Conversation));
        assert_eq!(e.client(Action::Request).code, "CONVERSATION_NOT_FOUND");
        let e = InboxError::NotFound(Entity::Message);
        assert_eq!(
            e.client(Action::Feedback).message,
            "Message not found or you do not have permission to access it"
        );
    }
}
