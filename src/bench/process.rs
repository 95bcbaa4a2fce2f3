//! What `/proc` says about a process: resident memory and CPU time (Linux; zero elsewhere).

/// Resident memory of `pid`, in KiB.
#[must_use]
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// User plus system CPU seconds of `pid` (clock ticks of 1/100 s, as Linux reports them).
#[must_use]
pub fn cpu_secs(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some((_, after_name)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    #[allow(clippy::cast_precision_loss)]
    let secs = (ticks(11) + ticks(12)) as f64 / 100.0;
    secs
}

/// This process's CPU seconds.
#[must_use]
pub fn own_cpu_secs() -> f64 {
    cpu_secs(std::process::id())
}
