//! `pilito-box bench lists`: how long a list socket's refresh takes (filters, query, views and
//! JSON: the list builders the feed runs on the reader pool) over a large generated workspace.

use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value, json};

use super::dataset::{self, NEEDLE, NEEDLE_FA, Size};
use super::{Summary, machine, ms};
use pilito_box::lists::{self as builders, ListError};
use pilito_box::protocol::Frame;

/// Options of `pilito-box bench lists`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListsArgs {
    /// Customers in the generated workspace.
    #[arg(long, default_value_t = 2_000)]
    pub customers: usize,
    /// Conversations.
    #[arg(long, default_value_t = 10_000)]
    pub conversations: usize,
    /// Messages.
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: usize,
    /// Multiply all three counts (10 shows how the lists scale).
    #[arg(long, default_value_t = 1)]
    pub scale: usize,
    /// Timed refreshes per scenario (a LIKE scan runs a tenth as many, within 20 s).
    #[arg(long, default_value_t = 200)]
    pub iterations: usize,
    /// Keep the generated database (its path is printed) instead of deleting it.
    #[arg(long)]
    pub keep: bool,
    /// Time a database kept by an earlier `--keep` run instead of generating one (it is
    /// indexed first if it needs to be, and kept).
    #[arg(long)]
    pub reuse: Option<std::path::PathBuf>,
}

type Page = fn(&Connection, i64, &Map<String, Value>) -> Result<Frame, ListError>;

fn scenarios() -> Vec<(&'static str, Page, Value)> {
    let conversations: Page = builders::conversations::page;
    let customers: Page = |conn, _viewer, filters| builders::customers::page(conn, filters);
    vec![
        ("conversations, default page", conversations, json!({})),
        (
            "conversations, unread only",
            conversations,
            json!({"unread_only": true}),
        ),
        (
            "conversations, status + page 20",
            conversations,
            json!({"status": "active", "page": 20}),
        ),
        (
            "conversations, tag VIP",
            conversations,
            json!({"tags": ["VIP"]}),
        ),
        (
            "conversations, search (index)",
            conversations,
            json!({"search": NEEDLE}),
        ),
        (
            "conversations, search Persian (index)",
            conversations,
            json!({"search": NEEDLE_FA}),
        ),
        ("customers, default page", customers, json!({})),
        (
            "customers, has unread",
            customers,
            json!({"has_unread": true}),
        ),
        ("customers, search", customers, json!({"search": "user17"})),
    ]
}

/// Generates the workspace, then times each scenario and prints a table.
pub fn run(args: &ListsArgs) -> anyhow::Result<()> {
    let size = Size {
        customers: args.customers * args.scale,
        conversations: args.conversations * args.scale,
        messages: args.messages * args.scale,
    };
    let dir = std::env::temp_dir().join(format!("pilito-bench-lists-{}", std::process::id()));
    let path = args.reuse.clone().unwrap_or_else(|| dir.join("bench.db"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    println!("machine: {}", machine());
    let megabytes = || std::fs::metadata(&path).map_or(0, |m| m.len() / 1_000_000);
    if args.reuse.is_none() {
        std::fs::create_dir_all(&dir)?;
        println!(
            "workspace: {} customers, {} conversations, {} messages",
            size.customers, size.conversations, size.messages
        );
        let took = runtime.block_on(dataset::generate(&path, size))?;
        println!("generated in {took:.1} s; database {} MB", megabytes());
    }
    let took = runtime.block_on(dataset::index(&path))?;
    println!(
        "search index built by the writer in {took:.1} s; database {} MB",
        megabytes()
    );
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    pilito_box::storage::search::install(&conn)?;
    println!("\n| scenario | runs | median ms | p99 ms | max ms | frame bytes |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, page, filters) in scenarios() {
        let filters = filters.as_object().cloned().unwrap_or_default();
        let runs = args.iterations.max(1);
        let mut bytes = 0;
        for _ in 0..3 {
            bytes = page(&conn, 1, &filters)?.len();
        }
        let mut samples: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let frame = page(&conn, 1, &filters)?;
            samples.push(started.elapsed());
            std::hint::black_box(frame);
        }
        let s = Summary::of(samples);
        println!(
            "| {name} | {runs} | {} | {} | {} | {bytes} |",
            ms(s.median),
            ms(s.p99),
            ms(s.max)
        );
    }
    super::search::run(&conn, args.iterations)?;
    drop(conn);
    if args.keep || args.reuse.is_some() {
        println!("\nkept {}", path.display());
    } else {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
