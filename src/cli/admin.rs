//! Workspace commands run against the data folder (the server may be running on it).

use std::net::IpAddr;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};

use super::Command;
use crate::auth::{Auth, Keys, TokenKind, secret};
use crate::config::Config;
use crate::instance::{Instance, InstanceError};
use crate::media;
use crate::server;
use crate::storage::customers::{self, NewCustomer};
use crate::storage::{Store, backup, blacklist, conversations};

/// `pilito-box token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a new token for a user.
    Issue {
        /// Sign-in name.
        name: String,
        /// Lifetime in seconds (default: the configured lifetime).
        #[arg(long)]
        ttl: Option<u64>,
        /// Token kind.
        #[arg(long, value_enum, default_value = "access")]
        kind: KindArg,
    },
}

/// A token kind on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Opens sockets and calls the API.
    Access,
    /// Buys new tokens.
    Refresh,
}

/// `pilito-box conversation …`.
#[derive(Debug, Subcommand)]
pub enum ConversationCommand {
    /// Create a customer and a conversation with them; prints the conversation id.
    Add {
        /// The customer's name, "First Last".
        #[arg(long)]
        customer: String,
        /// Platform.
        #[arg(long, default_value = "unknown")]
        source: String,
        /// Assign to this agent.
        #[arg(long, value_name = "NAME")]
        assign: Option<String>,
    },
}

/// `pilito-box blacklist …`.
#[derive(Debug, Subcommand)]
pub enum BlacklistCommand {
    /// Refuse every connection from an address.
    Add {
        /// The address.
        ip: IpAddr,
        /// Why, for the record.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Accept an address again.
    Remove {
        /// The address.
        ip: IpAddr,
    },
    /// List blacklisted addresses.
    List,
}

/// Runs a workspace command.
pub async fn run(config: Config, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Backup { file } => return backup_to(&config, &file),
        Command::Restore { file } => return restore_from(&config, &file),
        _ => {}
    }
    secret::private_dir(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let store = Store::open(&config.database_path(), &config.storage)?;
    let result = dispatch(&config, &store, command).await;
    store.shutdown().await;
    result
}

async fn dispatch(config: &Config, store: &Store, command: Command) -> anyhow::Result<()> {
    match command {
        Command::User(c) => super::users::run(store, c).await,
        Command::Token(TokenCommand::Issue { name, ttl, kind }) => {
            let keys = Keys::new(&secret::load_or_create(&config.data_dir)?);
            let auth = Auth::new(keys, store.clone(), config.tokens.clone());
            let user = super::users::find(store, &name).await?;
            if !user.is_active {
                bail!("user {name:?} is disabled");
            }
            let kind = match kind {
                KindArg::Access => TokenKind::Access,
                KindArg::Refresh => TokenKind::Refresh,
            };
            println!("{}", auth.issue(user.id, kind, ttl).await?);
            Ok(())
        }
        Command::Conversation(ConversationCommand::Add {
            customer,
            source,
            assign,
        }) => {
            let assigned = match assign {
                Some(name) => Some(super::users::find(store, &name).await?.id),
                None => None,
            };
            let (first, last) = split_name(&customer);
            let id = store
                .write(move |c| {
                    let customer = customers::insert(
                        c,
                        &NewCustomer {
                            first_name: first,
                            last_name: last,
                            source: source.clone(),
                            ..NewCustomer::default()
                        },
                    )?;
                    Ok(conversations::insert(c, &customer, &source, assigned)?.id)
                })
                .await?;
            println!("{id}");
            Ok(())
        }
        Command::Blacklist(c) => blacklist_command(store, c).await,
        Command::Demo => super::demo::run(store).await,
        Command::IntegrationKey => {
            println!("{}", server::integration_key(&config.data_dir)?);
            Ok(())
        }
        Command::Serve { .. }
        | Command::Config(_)
        | Command::Tls(_)
        | Command::Backup { .. }
        | Command::Restore { .. } => {
            bail!("not a workspace command")
        }
    }
}

fn backup_to(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let db = config.database_path();
    if !db.exists() {
        bail!("there is no database at {}", db.display());
    }
    backup::copy(&db, file)?;
    println!("backed up {} to {}", db.display(), file.display());
    let media_copy = media::beside(file);
    let files = media::mirror(&media::folder(&config.data_dir), &media_copy)?;
    println!(
        "copied {files} new media files to {} (keep it with the backup)",
        media_copy.display()
    );
    Ok(())
}

fn restore_from(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let _lock = Instance::acquire(&config.data_dir).map_err(|e| match e {
        InstanceError::Taken(_) => anyhow::anyhow!("{e}; stop it before restoring"),
        other @ InstanceError::Io { .. } => other.into(),
    })?;
    let previous = backup::restore(&config.database_path(), file)?;
    println!(
        "restored {}; the database it replaced is kept as {}",
        file.display(),
        previous.display()
    );
    let beside = media::beside(file);
    let media_copy = if beside.is_dir() {
        beside
    } else {
        media::folder(&config.backup_dir())
    };
    let files = media::mirror(&media_copy, &media::folder(&config.data_dir))?;
    println!(
        "put back {files} media files from {} that the media folder lacked",
        media_copy.display()
    );
    Ok(())
}

async fn blacklist_command(store: &Store, command: BlacklistCommand) -> anyhow::Result<()> {
    match command {
        BlacklistCommand::Add { ip, reason } => {
            let added = store
                .write(move |c| blacklist::add(c, ip, reason.as_deref()))
                .await?;
            println!(
                "{ip} {}",
                if added {
                    "blacklisted"
                } else {
                    "was already blacklisted"
                }
            );
        }
        BlacklistCommand::Remove { ip } => {
            let removed = store.write(move |c| blacklist::remove(c, ip)).await?;
            println!(
                "{ip} {}",
                if removed {
                    "removed from the blacklist"
                } else {
                    "was not blacklisted"
                }
            );
        }
        BlacklistCommand::List => {
            for e in store.read(blacklist::list).await? {
                println!(
                    "{:<40} {} {}",
                    e.ip,
                    e.created_at,
                    e.reason.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}

/// "First Last" → (first, last); a single word is a first name.
fn split_name(full: &str) -> (Option<String>, Option<String>) {
    let mut parts = full.trim().splitn(2, ' ');
    let first = parts.next().filter(|s| !s.is_empty()).map(str::to_owned);
    let last = parts
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    (first, last)
}
