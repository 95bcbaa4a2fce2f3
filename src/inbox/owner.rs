//! The owner's first visit: until an admin has signed in, the first admin (the only user) may
//! choose their password from the pilito-box computer itself instead of typing the printed one.
//! Choosing it replaces the printed password, which otherwise keeps working (headless installs).

use std::net::IpAddr;

use rusqlite::Connection;

use super::sessions::SignIn;
use super::{Inbox, InboxError, InboxResult};
use crate::auth::passwords;
use crate::protocol::codes::http as code;
use crate::protocol::setup::OwnerBody;
use crate::storage::users::{self, UserRow};
use crate::storage::{StoreResult, settings};

/// Longest display name.
pub(super) const MAX_NAME: usize = 150;

/// Whether the owner's first visit is still open, and the first admin's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerStatus {
    pub needed: bool,
    /// The first admin's sign-in name (empty when there is none).
    pub username: String,
}

/// The first admin, when the first visit is still open for them: they are the only user, no
/// admin has signed in and no owner password was chosen.
fn open_for(c: &Connection) -> StoreResult<(Option<UserRow>, bool)> {
    let first = users::first_admin(c)?;
    let open = first.is_some()
        && users::count(c)? == 1
        && settings::get(c, settings::ADMIN_SIGNED_IN)?.is_none()
        && settings::get(c, settings::OWNER_PASSWORD_CHOSEN)?.is_none();
    Ok((first, open))
}

/// A display name as typed: trimmed, `None` when blank; too long is refused.
pub(super) fn display_name(name: Option<String>) -> InboxResult<Option<String>> {
    let Some(name) = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if name.chars().count() > MAX_NAME {
        return Err(InboxError::invalid(
            code::INVALID_FIELD,
            "the name must be at most 150 characters",
        ));
    }
    Ok(Some(name))
}

impl Inbox {
    /// Whether the owner may still choose their password on the first visit.
    pub async fn owner_status(&self) -> InboxResult<OwnerStatus> {
        let (first, needed) = self.store.read(open_for).await?;
        Ok(OwnerStatus {
            needed,
            username: first.map(|u| u.username).unwrap_or_default(),
        })
    }

    /// Sets the owner's password (and name) on the first visit and signs them in. `here` says
    /// whether the request came from this computer; from anywhere else it is refused, so
    /// nobody on the network can claim the box.
    pub async fn choose_owner_password(
        &self,
        from: IpAddr,
        here: bool,
        body: OwnerBody,
    ) -> InboxResult<SignIn> {
        if !here {
            tracing::info!("refused the owner's first-visit password from {from}");
            return Err(InboxError::LoopbackOnly);
        }
        let (first, needed) = self.store.read(open_for).await?;
        let Some(owner) = first.filter(|_| needed) else {
            return Err(InboxError::SetupDone);
        };
        let name = display_name(body.name)?;
        passwords::check(&owner.username, &body.password)?;
        let hash = self.auth.hash(body.password).await?;
        let chosen = self
            .store
            .write(move |c| {
                let (first, open) = open_for(c)?;
                let Some(owner) = first.filter(|u| open && u.id == owner.id) else {
                    return Ok(None);
                };
                users::set_password(c, owner.id, &hash)?;
                if let Some(name) = &name {
                    users::set_details(c, owner.id, Some(name), Some(""), None)?;
                    settings::set(c, settings::OWNER, name)?;
                }
                settings::set(c, settings::OWNER_PASSWORD_CHOSEN, "1")?;
                users::get(c, owner.id).map(Some)
            })
            .await?;
        let owner = chosen.ok_or(InboxError::SetupDone)?;
        tracing::info!(
            "{} chose the owner's password on the first visit",
            owner.username
        );
        self.signed_in(&owner, from).await
    }
}
