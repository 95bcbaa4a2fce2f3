//! `pilito-box bench …`: benchmarks that ship with the product. Each prints the machine it ran
//! on and its figures; none is a test, and none asserts a time. A module of the executable, not
//! of the library: it may use only `pilito_box`'s public API (the storage and auth calls the CLI
//! makes, the list builders, the real protocol over real sockets), never its internals.

mod ceiling;
mod client;
mod connect;
mod dataset;
mod fanout;
mod lists;
mod process;
mod refresh;
mod report;
mod rig;
mod search;
mod self_test;
mod startup;
mod target;
mod telegram;

use std::time::Duration;

use clap::Subcommand;

pub use ceiling::CeilingArgs;
pub use connect::ConnectArgs;
pub use fanout::FanoutArgs;
pub use lists::ListsArgs;
pub use refresh::RefreshArgs;
pub use startup::StartupArgs;
pub use telegram::TelegramArgs;

/// `pilito-box bench [--self-test | SCENARIO]`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// The capacity check: how many agents this PC serves with p99 fan-out under 50 ms.
    #[arg(long)]
    pub self_test: bool,
    /// A scenario, for measuring the product itself.
    #[command(subcommand)]
    pub scenario: Option<BenchCommand>,
}

/// The scenarios.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// List queries over a large generated workspace (conversation and customer lists).
    Lists(ListsArgs),
    /// Chat messages at fixed rates into many conversations: deliveries, latency, loss.
    Fanout(FanoutArgs),
    /// Connect storm and idle hold: sockets opened as fast as they are accepted, then held.
    Connect(ConnectArgs),
    /// From starting the executable to listening, on a large database.
    Startup(StartupArgs),
    /// List feeds: page round trips on a large workspace, then a burst of messages.
    Refresh(RefreshArgs),
    /// The Telegram channel against a stand-in Bot API: inbound updates/s, and an outage.
    Telegram(TelegramArgs),
    /// The bare in-memory fan-out server the rig runs with `--ceiling`.
    #[command(hide = true)]
    Ceiling(CeilingArgs),
}

/// Runs the self-test or a scenario.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.scenario {
        None if args.self_test => self_test::run(),
        None => anyhow::bail!(
            "name a scenario (lists, fanout, connect, startup, refresh, telegram) or use --self-test; see `pilito-box bench --help`"
        ),
        Some(BenchCommand::Lists(args)) => lists::run(&args),
        Some(BenchCommand::Fanout(args)) => fanout::run(&args),
        Some(BenchCommand::Connect(args)) => connect::run(&args),
        Some(BenchCommand::Startup(args)) => startup::run(&args),
        Some(BenchCommand::Refresh(args)) => refresh::run(&args),
        Some(BenchCommand::Telegram(args)) => telegram::run(&args),
        Some(BenchCommand::Ceiling(args)) => ceiling::run(&args),
    }
}

/// Median, 99th percentile and maximum of a set of timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// 50th percentile.
    pub median: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Summary {
    /// Summarizes timings (nearest-rank percentiles).
    #[must_use]
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let rank = |p: usize| {
            let i = (samples.len() * p).div_ceil(100).max(1) - 1;
            samples.get(i).copied().unwrap_or_default()
        };
        Self {
            median: rank(50),
            p99: rank(99),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
}

/// Locks a generator-side record; a reader that panicked mid-update still left counts worth
/// reporting.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Milliseconds with two decimals.
#[must_use]
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// One line describing the machine (CPU model, cores), for the report.
#[must_use]
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    format!("{cpu}, {cores} cores, {}", std::env::consts::OS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = Summary::of(samples);
        assert_eq!(
            (s.median, s.p99, s.max),
            (
                Duration::from_millis(50),
                Duration::from_millis(99),
                Duration::from_millis(100)
            )
        );
        assert_eq!(
            Summary::of(vec![Duration::from_millis(7)]).p99,
            Duration::from_millis(7)
        );
    }
}
