//! Users and the blacklist, an admin's to change. Disabling a user, removing one or setting a
//! new password revokes their tokens, which closes their open sockets.

use std::net::IpAddr;

use super::{Inbox, InboxError, InboxResult};
use crate::auth::{Identity, passwords};
use crate::protocol::codes::http as code;
use crate::protocol::rest::{BlacklistBody, NewUserBody, UserChangesBody};
use crate::storage::tokens::{self, RevokeReason};
use crate::storage::users::{self, NewUser, Role, UserRow};
use crate::storage::{Entity, StoreError, blacklist};

/// Longest username.
const MAX_USERNAME: usize = 150;

/// A new user, checked (the password is hashed when the user is added).
#[derive(Debug)]
pub struct NewUserForm {
    username: String,
    password: String,
    role: Role,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

impl TryFrom<NewUserBody> for NewUserForm {
    type Error = InboxError;

    fn try_from(body: NewUserBody) -> InboxResult<Self> {
        let username = body.username.trim().to_owned();
        if username.is_empty() || username.chars().count() > MAX_USERNAME {
            return Err(InboxError::invalid(
                code::INVALID_USERNAME,
                "username must be 1-150 characters",
            ));
        }
        Ok(Self {
            username,
            password: body.password,
            role: role(body.role.as_deref())?.unwrap_or(Role::Agent),
            email: body.email.filter(|e| !e.trim().is_empty()),
            first_name: body.first_name,
            last_name: body.last_name,
        })
    }
}

/// Changes to a user, checked; only what is `Some` changes.
#[derive(Debug)]
pub struct UserChanges {
    role: Option<Role>,
    is_active: Option<bool>,
    password: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

impl TryFrom<UserChangesBody> for UserChanges {
    type Error = InboxError;

    fn try_from(body: UserChangesBody) -> InboxResult<Self> {
        Ok(Self {
            role: role(body.role.as_deref())?,
            is_active: body.is_active,
            password: body.password,
            email: body.email,
            first_name: body.first_name,
            last_name: body.last_name,
        })
    }
}

fn role(text: Option<&str>) -> InboxResult<Option<Role>> {
    text.map(|r| {
        Role::parse(r)
            .ok_or_else(|| InboxError::invalid(code::INVALID_ROLE, "role must be admin or agent"))
    })
    .transpose()
}

fn last_admin() -> StoreError {
    StoreError::Conflict("the workspace needs at least one active admin".into())
}

impl Inbox {
    /// Adds a user, if the password policy accepts their password.
    pub async fn add_user(&self, by: &Identity, form: NewUserForm) -> InboxResult<UserRow> {
        passwords::check(&form.username, &form.password)?;
        let new = NewUser {
            username: form.username,
            email: form.email,
            password_hash: self.auth.hash(form.password).await?,
            role: form.role,
            first_name: form.first_name,
            last_name: form.last_name,
        };
        let user = self.store.write(move |c| users::insert(c, &new)).await?;
        tracing::info!(
            "{} added {} {}",
            by.user.username,
            user.role.as_str(),
            user.username
        );
        self.setup_changed().await;
        Ok(user)
    }

    /// Changes a user; a new password or disabling revokes their tokens. The last active admin
    /// can be neither demoted nor disabled.
    pub async fn change_user(
        &self,
        by: &Identity,
        id: i64,
        changes: UserChanges,
    ) -> InboxResult<UserRow> {
        let demoting = changes.role == Some(Role::Agent) || changes.is_active == Some(false);
        self.auth
            .check_new_password(id, changes.password.as_deref())
            .await?;
        let password = match changes.password {
            Some(p) => Some(self.auth.hash(p).await?),
            None => None,
        };
        let user = self
            .store
            .write(move |c| {
                let before = users::get(c, id)?;
                if demoting && before.role == Role::Admin && users::other_active_admins(c, id)? == 0
                {
                    return Err(last_admin());
                }
                if let Some(role) = changes.role {
                    users::set_role(c, id, role)?;
                }
                users::set_details(
                    c,
                    id,
                    changes.first_name.as_deref(),
                    changes.last_name.as_deref(),
                    changes.email.as_deref(),
                )?;
                if let Some(hash) = &password {
                    users::set_password(c, id, hash)?;
                    tokens::revoke_user(c, id, RevokeReason::Password)?;
                }
                if let Some(active) = changes.is_active {
                    users::set_active(c, id, active)?;
                    if !active {
                        tokens::revoke_user(c, id, RevokeReason::Disabled)?;
                    }
                }
                users::get(c, id)
            })
            .await?;
        self.revocation();
        tracing::info!("{} changed user {}", by.user.username, user.username);
        self.setup_changed().await;
        Ok(user)
    }

    /// Removes a user (never oneself, never the last active admin); their tokens stop working.
    pub async fn remove_user(&self, by: &Identity, id: i64) -> InboxResult<()> {
        if by.user.id == id {
            return Err(InboxError::invalid(
                code::CANNOT_REMOVE_SELF,
                "you cannot remove yourself",
            ));
        }
        self.store
            .write(move |c| {
                let user = users::get(c, id)?;
                if user.role == Role::Admin
                    && user.is_active
                    && users::other_active_admins(c, id)? == 0
                {
                    return Err(last_admin());
                }
                users::delete(c, id)?;
                tokens::log_user_removed(c, id)
            })
            .await?;
        self.revocation();
        tracing::info!("{} removed user {id}", by.user.username);
        self.setup_changed().await;
        Ok(())
    }

    /// Blacklists an address; its requests and handshakes are refused from now on. The address
    /// the admin is using (`from`) is refused: blocking it would lock them out.
    pub async fn blacklist_add(
        &self,
        by: &Identity,
        from: IpAddr,
        entry: BlacklistBody,
    ) -> InboxResult<()> {
        let ip = entry.ip;
        if ip == from {
            let text = format!(
                "{ip} is the address you are using; blocking it would lock you out of pilito-box"
            );
            return Err(InboxError::invalid(code::CANNOT_BLOCK_OWN_ADDRESS, text));
        }
        self.store
            .write(move |c| blacklist::add(c, ip, entry.reason.as_deref()))
            .await?;
        self.gate.block(ip);
        tracing::info!("{} blacklisted {ip}", by.user.username);
        Ok(())
    }

    /// Takes an address (as the client wrote it) off the blacklist.
    pub async fn blacklist_remove(&self, by: &Identity, ip: &str) -> InboxResult<()> {
        let ip: IpAddr = ip
            .parse()
            .map_err(|_| InboxError::invalid(code::INVALID_IP, "not an IP address"))?;
        if !self.store.write(move |c| blacklist::remove(c, ip)).await? {
            return Err(InboxError::NotFound(Entity::BlacklistedAddress));
        }
        self.gate.unblock(ip);
        tracing::info!("{} removed {ip} from the blacklist", by.user.username);
        Ok(())
    }
}
