//! `pilito-box bench …`: benchmarks that ship with the product. Each prints the machine it ran
//! on and its figures; none is a test, and none asserts a time.

mod dataset;
mod lists;

use std::time::Duration;

use clap::Subcommand;

pub use lists::ListsArgs;

/// `pilito-box bench …`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// List queries over a large generated workspace (conversation and customer lists).
    Lists(ListsArgs),
}

/// Runs a benchmark.
pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Lists(args) => lists::run(&args),
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
