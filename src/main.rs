//! The `pilito-box` executable: the library's command line plus what only the executable
//! ships, the load generator (`pilito-box bench …`, in `bench/`). The generator is a module of
//! this binary, not of the library, and may use only the library's public API (`pilito_box::…`),
//! never its internals.

#![cfg_attr(feature = "windows-gui", windows_subsystem = "windows")]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod bench;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pilito_box::{cli, logging};

/// pilito-box: the Pilito real-time inbox for one office.
#[derive(Debug, Parser)]
#[command(name = "pilito-box", version, about)]
struct Cli {
    #[command(flatten)]
    globals: cli::Globals,
    /// What to do (default: the server with its tray icon, or headless without a desktop).
    #[command(subcommand)]
    command: Option<Command>,
}

/// The library's commands, then the benchmarks.
#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Product(cli::Command),
    /// Run a benchmark that ships with pilito-box (`--self-test`: how many agents this PC serves).
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let Cli { globals, command } = Cli::parse();
    match command {
        Some(Command::Bench(args)) => {
            logging::init_command("warn");
            cli::exit_code(bench::run(args))
        }
        Some(Command::Product(command)) => cli::run(&globals, Some(command)),
        None => cli::run(&globals, None),
    }
}
