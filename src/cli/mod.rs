//! The command line: `serve` and the workspace commands (users, tokens, conversations,
//! blacklist, demo). Each command works on the same data folder while a server runs.

mod admin;
mod demo;
mod users;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::server::App;
use crate::{logging, server};

/// pilito-box: the Pilito real-time inbox for one office.
#[derive(Debug, Parser)]
#[command(name = "pilito-box", version, about)]
pub struct Cli {
    /// Folder for the database, secret and logs (default: the OS data folder).
    #[arg(long, global = true, env = "PILITO_BOX_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: config.toml in the OS config folder).
    #[arg(long, global = true, env = "PILITO_BOX_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server in the foreground until Ctrl-C or SIGTERM.
    Serve {
        /// Address and port to listen on (port 0 picks a free one).
        #[arg(long, value_name = "ADDR:PORT")]
        bind: Option<SocketAddr>,
        /// Development mode: sockets without a token act as the first user (loopback only).
        #[arg(long)]
        dev: bool,
    },
    /// Manage users.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Issue tokens.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// Manage conversations.
    #[command(subcommand)]
    Conversation(admin::ConversationCommand),
    /// Manage the IP blacklist.
    #[command(subcommand)]
    Blacklist(admin::BlacklistCommand),
    /// Fill an empty workspace with sample agents, customers and conversations.
    Demo,
    /// Print the key integrations send in `X-Integration-Key`.
    IntegrationKey,
    /// Run a benchmark that ships with pilito-box.
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
}

/// Runs the command line; the exit code is 0 on success, 1 on failure, 2 on bad usage.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = load_config(&cli)?;
    let command = cli.command.unwrap_or(Command::Serve {
        bind: None,
        dev: false,
    });
    if let Command::Bench(bench) = command {
        let _ = logging::init(None, "warn");
        return crate::bench::run(bench);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match command {
        Command::Serve { bind, dev } => {
            let mut config = config;
            if let Some(bind) = bind {
                config.bind = bind;
            }
            config.dev |= dev;
            let _guard = logging::init(Some(&config.log_dir()), "info")
                .with_context(|| format!("cannot write logs to {}", config.log_dir().display()))?;
            runtime.block_on(serve(config))
        }
        other => {
            let _ = logging::init(None, "warn");
            runtime.block_on(admin::run(config, other))
        }
    }
}

/// The configuration: file (if any), then the data folder from the command line.
fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let dirs = directories::ProjectDirs::from("com", "Pilito", "pilito-box");
    let path = cli
        .config
        .clone()
        .or_else(|| dirs.as_ref().map(|d| d.config_dir().join("config.toml")));
    let mut config = match &path {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let explicit = cli.data_dir.is_some();
    if let Some(dir) = cli.data_dir.clone() {
        config.data_dir = dir;
    } else if let Some(dirs) = &dirs
        && config.data_dir == Config::default().data_dir
    {
        dirs.data_dir().clone_into(&mut config.data_dir);
        if config.log_dir.is_none() {
            config.log_dir = Some(dirs.data_local_dir().join("logs"));
        }
    }
    if explicit && config.log_dir.is_none() {
        config.log_dir = Some(config.data_dir.join("logs"));
    }
    Ok(config)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = server::bind(config.bind, &config)?;
    let data_dir = config.data_dir.clone();
    let (app, first) = App::open(config).await?;
    if let Some((name, password)) = &first.admin {
        println!("First start: created the admin user {name:?} with password {password}");
        println!("Sign in and change it; it is shown only this once.");
    }
    let port = listener.local_addr()?.port();
    tracing::info!("data folder: {}", data_dir.display());
    tracing::info!("agents open http://<this computer's address>:{port}/");
    app.serve(listener, shutdown_signal()).await?;
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
