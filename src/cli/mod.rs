//! The command line: `serve` and the workspace commands (users, tokens, conversations,
//! blacklist, demo). Each command works on the same data folder while a server runs. The
//! executable parses them together with what it adds itself (`bench`, in `src/main.rs`), so
//! they are public: [`Globals`], [`Command`] and [`run`].

mod admin;
pub mod boot;
mod demo;
pub mod serve;
mod settings;
mod tls;
mod users;

pub use settings::Settings;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::config::Config;
use crate::logging;

/// The options every command takes (`--data-dir`, `--config`, `--headless`).
#[derive(Debug, Args)]
pub struct Globals {
    /// Folder for the database, secret and logs (default: the OS data folder).
    #[arg(long, global = true, env = "PILITO_BOX_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: config.toml in the OS config folder).
    #[arg(long, global = true, env = "PILITO_BOX_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Without a command: run without the tray icon even where a desktop exists.
    #[arg(long, global = true)]
    pub headless: bool,
}

/// `pilito-box config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a configuration file (default: the one pilito-box reads) and the environment.
    Check {
        /// The file.
        file: Option<PathBuf>,
    },
}

/// The commands the library runs (the executable adds `bench`).
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
    /// Write a consistent copy of the database to FILE (works while the server runs).
    Backup {
        /// Where to write it.
        file: PathBuf,
    },
    /// Replace the database with a backup (refused while a server runs on the data folder).
    Restore {
        /// The backup.
        file: PathBuf,
    },
    /// Check the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Show or renew the HTTPS certificate.
    #[command(subcommand)]
    Tls(tls::TlsCommand),
}

/// Runs a command, or without one the server with its tray icon (headless without a desktop,
/// or with `--headless`). Exit codes: 0 success, 1 failure (port in use, folder not writable,
/// already running, a command that failed), 2 bad usage or a broken configuration.
pub fn run(globals: &Globals, command: Option<Command>) -> ExitCode {
    let settings = Settings::from(globals);
    match command {
        None => serve::desktop(&settings, globals.headless),
        Some(Command::Serve { bind, dev }) => serve::headless(&settings.with(bind, dev), None),
        Some(Command::Config(ConfigCommand::Check { file })) => check(&settings, file.as_deref()),
        Some(Command::Tls(command)) => {
            logging::init_command("warn");
            match settings.load() {
                Ok(config) => exit_code(tls::run(&config, &command)),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Some(command) => {
            logging::init_command("warn");
            let config = match settings.load() {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => exit_code(runtime.block_on(admin::run(config, command))),
                Err(e) => exit_code(Err(e.into())),
            }
        }
    }
}

/// A command's exit code: 0 when it succeeded; otherwise 1, after printing the error and its
/// causes on standard error.
pub fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `pilito-box config check [FILE]`: 0 when the file (and the environment) is valid, 2 otherwise.
fn check(settings: &Settings, file: Option<&Path>) -> ExitCode {
    let path = file
        .map(Path::to_path_buf)
        .or_else(|| settings.config_path());
    let Some(path) = path else {
        eprintln!("error: no configuration file to check");
        return ExitCode::from(2);
    };
    if !path.exists() {
        eprintln!("error: {} does not exist", path.display());
        return ExitCode::from(2);
    }
    match Config::load(&path) {
        Ok(_) => {
            println!("{}: ok", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
