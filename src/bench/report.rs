//! Reports: latency percentiles, and a Markdown table whose cells are the median of several
//! runs with their range.

use std::time::Duration;

/// Nearest-rank percentile `p` (0–100) of microsecond samples, in milliseconds.
#[must_use]
pub fn percentile_ms(sorted_us: &[u32], p: usize) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let i = (sorted_us.len() * p).div_ceil(100).max(1) - 1;
    f64::from(sorted_us[i.min(sorted_us.len() - 1)]) / 1000.0
}

/// Per second over `wall`.
#[must_use]
pub fn per_sec(count: u64, wall: Duration) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let count = count as f64;
    count / wall.as_secs_f64().max(1e-9)
}

/// Rows of numbers, one per step, gathered over runs.
pub struct Table {
    headers: Vec<String>,
    /// `[step][run]` → cells.
    steps: Vec<Vec<Vec<f64>>>,
}

impl Table {
    /// A table with these column headers.
    #[must_use]
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            steps: Vec::new(),
        }
    }

    /// Adds one run's cells for `step`.
    pub fn add(&mut self, step: usize, cells: Vec<f64>) {
        if self.steps.len() <= step {
            self.steps.resize(step + 1, Vec::new());
        }
        self.steps[step].push(cells);
    }

    /// Prints the table: each cell the median over runs, with min–max when runs differ.
    pub fn print(&self) {
        println!("| {} |", self.headers.join(" | "));
        println!("|{}", "---:|".repeat(self.headers.len()));
        for runs in &self.steps {
            let cells: Vec<String> = (0..self.headers.len())
                .map(|c| {
                    let mut values: Vec<f64> =
                        runs.iter().filter_map(|r| r.get(c).copied()).collect();
                    values.sort_by(f64::total_cmp);
                    cell(&values)
                })
                .collect();
            println!("| {} |", cells.join(" | "));
        }
    }
}

fn cell(sorted: &[f64]) -> String {
    let Some((&min, &max)) = sorted.first().zip(sorted.last()) else {
        return String::new();
    };
    let median = sorted[sorted.len() / 2];
    if sorted.len() == 1 || (max - min).abs() < f64::EPSILON {
        number(median)
    } else {
        format!("{} ({}–{})", number(median), number(min), number(max))
    }
}

fn number(v: f64) -> String {
    if (v.fract() == 0.0 && v.abs() < 1e15) || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_medians_with_their_range() {
        assert_eq!(cell(&[1.0, 2.0, 9.0]), "2 (1–9)");
        assert_eq!(cell(&[3.5]), "3.50");
        assert_eq!(cell(&[0.0, 0.0]), "0");
    }

    #[test]
    fn percentiles_are_nearest_rank_in_milliseconds() {
        let us: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert!((percentile_ms(&us, 99) - 99.0).abs() < 1e-9);
        assert!((percentile_ms(&us, 50) - 50.0).abs() < 1e-9);
        assert!(percentile_ms(&[], 99).abs() < 1e-9);
    }
}
