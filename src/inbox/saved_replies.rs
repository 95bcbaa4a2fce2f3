//! Saved replies: admins add, change and remove them; every agent reads them (no state to
//! change there, so `http` reads the store directly, as for other lists).

use super::{Inbox, InboxError, InboxResult};
use crate::auth::Identity;
use crate::protocol::codes::http as code;
use crate::protocol::replies::SavedReplyBody;
use crate::protocol::rules;
use crate::storage::saved_replies::{self, ReplyChanges, SavedReplyRow};
use crate::storage::users::Role;

/// Longest shortcut, in characters.
pub const MAX_SHORTCUT: usize = 32;

/// A saved reply's fields, checked: a shortcut of letters, digits, `-` and `_` (a `/` typed in
/// front is dropped), text within the longest reply any channel takes.
#[derive(Debug, Clone)]
pub struct ReplyForm(ReplyChanges);

impl ReplyForm {
    /// A new reply: both fields required.
    pub fn new_reply(body: &SavedReplyBody) -> InboxResult<Self> {
        if body.shortcut.is_none() {
            return Err(invalid_shortcut("shortcut is required"));
        }
        if body.content.is_none() {
            return Err(InboxError::invalid(
                code::EMPTY_CONTENT,
                "content is required",
            ));
        }
        Self::changes(body)
    }

    /// A change: either field, or both.
    pub fn changes(body: &SavedReplyBody) -> InboxResult<Self> {
        let shortcut = body.shortcut.as_deref().map(shortcut).transpose()?;
        let content = body.content.as_deref().map(rules::content).transpose()?;
        Ok(Self(ReplyChanges { shortcut, content }))
    }
}

fn invalid_shortcut(text: &'static str) -> InboxError {
    InboxError::invalid(code::INVALID_SHORTCUT, text)
}

fn shortcut(raw: &str) -> InboxResult<String> {
    let name = raw.trim();
    let name = name.strip_prefix('/').unwrap_or(name);
    if name.is_empty() || name.chars().count() > MAX_SHORTCUT {
        return Err(invalid_shortcut("shortcut must be 1-32 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid_shortcut(
            "shortcut may hold only letters, digits, - and _ (no spaces)",
        ));
    }
    Ok(name.to_owned())
}

fn admin_only(by: &Identity) -> InboxResult<()> {
    if by.user.role == Role::Admin {
        Ok(())
    } else {
        Err(InboxError::Forbidden)
    }
}

impl Inbox {
    /// Stores a new saved reply.
    pub async fn add_saved_reply(
        &self,
        by: &Identity,
        form: ReplyForm,
    ) -> InboxResult<SavedReplyRow> {
        admin_only(by)?;
        let author = by.user.id;
        let ReplyChanges { shortcut, content } = form.0;
        let (Some(shortcut), Some(content)) = (shortcut, content) else {
            return Err(invalid_shortcut("shortcut and content are required"));
        };
        let row = self
            .store
            .write(move |c| saved_replies::insert(c, &shortcut, &content, author))
            .await?;
        tracing::info!(
            "{} added the saved reply /{}",
            by.user.username,
            row.shortcut
        );
        Ok(row)
    }

    /// Changes a saved reply.
    pub async fn change_saved_reply(
        &self,
        by: &Identity,
        id: i64,
        form: ReplyForm,
    ) -> InboxResult<SavedReplyRow> {
        admin_only(by)?;
        Ok(self
            .store
            .write(move |c| saved_replies::update(c, id, &form.0))
            .await?)
    }

    /// Removes a saved reply.
    pub async fn remove_saved_reply(&self, by: &Identity, id: i64) -> InboxResult<()> {
        admin_only(by)?;
        self.store
            .write(move |c| saved_replies::delete(c, id))
            .await?;
        tracing::info!("{} removed saved reply {id}", by.user.username);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(shortcut: Option<&str>, content: Option<&str>) -> SavedReplyBody {
        SavedReplyBody {
            shortcut: shortcut.map(str::to_owned),
            content: content.map(str::to_owned),
        }
    }

    #[test]
    fn shortcuts_and_texts_are_checked() {
        let form = ReplyForm::new_reply(&body(Some(" /سلام_1 "), Some(" Hi "))).unwrap();
        assert_eq!(form.0.shortcut.as_deref(), Some("سلام_1"));
        assert_eq!(form.0.content.as_deref(), Some("Hi"));
        for bad in ["", "/", "two words", "a/b", &"x".repeat(33)] {
            let e = ReplyForm::changes(&body(Some(bad), None)).unwrap_err();
            assert_eq!(
                e.client(super::super::Action::Request).code,
                "INVALID_SHORTCUT",
                "{bad}"
            );
        }
        let e = ReplyForm::new_reply(&body(Some("hi"), None)).unwrap_err();
        assert_eq!(
            e.client(super::super::Action::Request).code,
            "EMPTY_CONTENT"
        );
        let e = ReplyForm::changes(&body(None, Some(&"x".repeat(4097)))).unwrap_err();
        assert_eq!(
            e.client(super::super::Action::Request).code,
            "CONTENT_TOO_LONG"
        );
    }
}
