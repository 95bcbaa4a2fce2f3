//! `pilito-box user …`: add, list, change passwords, disable.

use std::io::BufRead;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};

use crate::auth::passwords;
use crate::storage::Store;
use crate::storage::tokens::{self, RevokeReason};
use crate::storage::users::{self, NewUser, Role};

/// `pilito-box user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add {
        /// Sign-in name.
        name: String,
        /// Password (at least 8 characters).
        #[arg(long)]
        password: String,
        /// Role.
        #[arg(long, value_enum, default_value = "agent")]
        role: RoleArg,
        /// E-mail, also accepted at sign-in.
        #[arg(long)]
        email: Option<String>,
    },
    /// List users.
    List,
    /// Set a user's password (prompted, or read from stdin) and sign them out everywhere.
    Passwd {
        /// Sign-in name.
        name: String,
        /// The new password, instead of a prompt.
        #[arg(long)]
        password: Option<String>,
    },
    /// Deactivate a user and revoke their tokens (their open sockets close within a second).
    Disable {
        /// Sign-in name.
        name: String,
    },
}

/// A user's role on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Manages users and settings.
    Admin,
    /// Works the inbox.
    Agent,
}

/// Runs a user command.
pub async fn run(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            name,
            password,
            role,
            email,
        } => {
            let hash = hash(&name, password).await?;
            let role = match role {
                RoleArg::Admin => Role::Admin,
                RoleArg::Agent => Role::Agent,
            };
            let new = NewUser {
                username: name.trim().to_owned(),
                email,
                password_hash: hash,
                role,
                first_name: None,
                last_name: None,
            };
            if new.username.is_empty() {
                bail!("the user name cannot be empty");
            }
            let user = store.write(move |c| users::insert(c, &new)).await?;
            println!(
                "created {} {} (id {})",
                user.role.as_str(),
                user.username,
                user.id
            );
        }
        UserCommand::List => {
            println!(
                "{:<5} {:<20} {:<6} {:<8} email",
                "id", "username", "role", "active"
            );
            for u in store.read(users::list).await? {
                let email = u.email.as_deref().unwrap_or("-");
                println!(
                    "{:<5} {:<20} {:<6} {:<8} {email}",
                    u.id,
                    u.username,
                    u.role.as_str(),
                    if u.is_active { "yes" } else { "no" }
                );
            }
        }
        UserCommand::Passwd { name, password } => {
            let password = match password {
                Some(p) => p,
                None => ask_password()?,
            };
            let user = find(store, &name).await?;
            let hash = hash(&user.username, password).await?;
            let revoked = store
                .write(move |c| {
                    users::set_password(c, user.id, &hash)?;
                    tokens::revoke_user(c, user.id, RevokeReason::Password)
                })
                .await?;
            println!("changed the password of {name}; signed out {revoked} tokens");
        }
        UserCommand::Disable { name } => {
            let user = find(store, &name).await?;
            let revoked = store
                .write(move |c| {
                    users::set_active(c, user.id, false)?;
                    tokens::revoke_user(c, user.id, RevokeReason::Disabled)
                })
                .await?;
            println!("disabled {name}; revoked {revoked} tokens");
        }
    }
    Ok(())
}

/// The user with this name, or an error naming it.
pub async fn find(store: &Store, name: &str) -> anyhow::Result<users::UserRow> {
    let lookup: Arc<str> = name.into();
    store
        .read(move |c| users::by_username(c, &lookup))
        .await
        .with_context(|| format!("no user named {name:?}"))
}

/// Hashes `username`'s new password off the runtime, once it meets the policy.
pub async fn hash(username: &str, password: String) -> anyhow::Result<String> {
    passwords::check(username, &password)?;
    Ok(tokio::task::spawn_blocking(move || passwords::hash(&password)).await??)
}

/// Prompts twice on a terminal, or reads one line from piped stdin.
fn ask_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let second = rpassword::prompt_password("Again: ")?;
        if first != second {
            bail!("the passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
