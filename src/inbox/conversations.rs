//! Conversations: status, assignment and deletion.

use super::publish;
use super::{Inbox, InboxError, InboxResult};
use crate::auth::Identity;
use crate::protocol::codes::http as code;
use crate::protocol::rest::{AssignBody, StatusBody};
use crate::storage::conversations::{self, STATUSES};
use crate::storage::summary::{self, ConversationSummary};
use crate::storage::users::{self, Role};

/// A new status, one of [`STATUSES`].
#[derive(Debug, Clone)]
pub struct StatusChange(String);

impl TryFrom<StatusBody> for StatusChange {
    type Error = InboxError;

    fn try_from(body: StatusBody) -> InboxResult<Self> {
        let Some(status) = body.status.filter(|s| !s.is_empty()) else {
            return Err(InboxError::invalid(
                code::MISSING_STATUS,
                "status is required",
            ));
        };
        if !STATUSES.contains(&status.as_str()) {
            let text = format!("Invalid status; expected one of {}", STATUSES.join(", "));
            return Err(InboxError::invalid(code::INVALID_STATUS, text));
        }
        Ok(Self(status))
    }
}

/// Who a conversation is to be assigned to: an agent's id, or nobody.
#[derive(Debug, Clone, Copy)]
pub struct Assignment(Option<i64>);

impl From<AssignBody> for Assignment {
    fn from(body: AssignBody) -> Self {
        Self(body.user_id)
    }
}

impl Assignment {
    #[must_use]
    pub fn user_id(self) -> Option<i64> {
        self.0
    }
}

impl Inbox {
    /// Changes a conversation's status; returns it as the lists now show it.
    pub async fn set_status(
        &self,
        id: &str,
        status: StatusChange,
    ) -> InboxResult<ConversationSummary> {
        let target = id.to_owned();
        let summary = self
            .store
            .write(move |c| {
                conversations::set_status(c, &target, &status.0)?;
                summary::summary(c, &target)
            })
            .await?;
        publish::conversation_changed(&self.hub, &summary);
        Ok(summary)
    }

    /// Assigns a conversation to an active user or to nobody.
    pub async fn assign(
        &self,
        by: &Identity,
        id: &str,
        to: Assignment,
    ) -> InboxResult<ConversationSummary> {
        let (target, user_id) = (id.to_owned(), to.0);
        let summary = self
            .store
            .write(move |c| {
                if let Some(user_id) = user_id
                    && !users::get(c, user_id).is_ok_and(|u| u.is_active)
                {
                    let text = "No active user with that id";
                    return Ok(Err(InboxError::invalid(code::INVALID_USER, text)));
                }
                conversations::assign(c, &target, user_id)?;
                summary::summary(c, &target).map(Ok)
            })
            .await??;
        tracing::info!(
            "{} assigned conversation {id} to {user_id:?}",
            by.user.username
        );
        publish::conversation_changed(&self.hub, &summary);
        Ok(summary)
    }

    /// Deletes a conversation and its messages, an admin's to do (an agent who could assign a
    /// conversation to themselves could otherwise delete any). Its open chat sockets get
    /// `conversation_deleted` and close.
    pub async fn delete_conversation(&self, by: &Identity, id: &str) -> InboxResult<()> {
        if by.user.role != Role::Admin {
            return Err(InboxError::Forbidden);
        }
        let target = id.to_owned();
        self.store
            .write(move |c| conversations::delete(c, &target))
            .await?;
        tracing::info!("{} deleted conversation {id}", by.user.username);
        publish::conversation_deleted(&self.hub, id);
        Ok(())
    }
}
