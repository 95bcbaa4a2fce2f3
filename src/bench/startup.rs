//! `pilito-box bench startup`: from starting the executable to its "listening" line, on a data
//! folder holding a generated workspace of a chosen size. The first start of a folder (which
//! writes the secret and the integration key) is not timed; every timed start opens the same
//! database, migrates nothing and resets presence, as a restart of the appliance does.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::dataset::{self, Size};
use super::report::Table;
use super::target::Target;

/// Rows per MB of database: the mix of the list benchmark's workspace (2,000 customers, 10,000
/// conversations and 1,000,000 messages make about 215 MB).
const CUSTOMERS_PER_MB: usize = 10;
const CONVERSATIONS_PER_MB: usize = 50;
const MESSAGES_PER_MB: usize = 5_000;

/// `pilito-box bench startup …`.
#[derive(Debug, Args)]
pub struct StartupArgs {
    /// Size of the database to start on, in MB (a generated workspace of at least this size).
    #[arg(long, default_value_t = 1000)]
    pub megabytes: u64,
    /// Timed starts.
    #[arg(long, default_value_t = 5)]
    pub starts: usize,
    /// Folder to generate the workspace in and keep (reused when it already holds one).
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// Core the server is pinned to (with taskset).
    #[arg(long, default_value_t = 0)]
    pub server_core: usize,
    /// Pin nothing (for machines with one core, or without taskset).
    #[arg(long)]
    pub no_pin: bool,
}

/// Generates (or reuses) the workspace, then starts and stops the server `starts` times.
pub fn run(args: &StartupArgs) -> anyhow::Result<()> {
    let temporary = tempfile::Builder::new().prefix("pilito-bench-").tempdir()?;
    let dir = args
        .keep
        .clone()
        .unwrap_or_else(|| temporary.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("pilito-box.db");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    if !db.exists() {
        let units = usize::try_from(args.megabytes.max(1))?;
        let size = Size {
            customers: CUSTOMERS_PER_MB * units,
            conversations: CONVERSATIONS_PER_MB * units,
            messages: MESSAGES_PER_MB * units,
        };
        println!(
            "generating {} conversations and {} messages …",
            size.conversations, size.messages
        );
        let took = runtime.block_on(dataset::generate(&db, size))?;
        println!("generated in {took:.0} s");
    }
    let megabytes = std::fs::metadata(&db)?.len() / 1_000_000;
    let core = (!args.no_pin).then_some(args.server_core);
    drop(Target::start(&dir, core)?);
    let mut table = Table::new(&["database MB", "starts", "start to listening ms"]);
    for _ in 0..args.starts.max(1) {
        let target = Target::start(&dir, core)?;
        #[allow(clippy::cast_precision_loss)]
        let cells = vec![
            megabytes as f64,
            args.starts as f64,
            ms(target.started_in()),
        ];
        table.add(0, cells);
        target.stop()?;
    }
    println!(
        "start to listening: from spawning the process to its \"listening on\" log line; median (min–max)"
    );
    table.print();
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
