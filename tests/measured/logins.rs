//! A burst of sign-ins from many addresses (each argon2 check needs about 19 MiB): the server's
//! memory before, at its peak and after, and how fast another client is answered meanwhile.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::process::{Served, cli, free_port};
use crate::measured;

/// Sign-ins sent at once, each from its own address.
const BURST: u8 = 70;

/// The server's resident memory, in MiB.
fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap()
        / 1024
}

#[cfg(target_os = "linux")]
#[test]
fn a_burst_of_sign_ins_is_bounded_and_its_memory_returned() {
    measured(async {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        cli(d, &["user", "add", "agent9", "--password", "Agent9-pass!"]);
        let server = Served::start(d, free_port(), &[]);
        let pid = server.pid();
        let health = server.url("/api/v1/health");
        let http = crate::common::http_client();
        http.get(&health).send().await.unwrap();
        let before = rss_mib(pid);

        let (peak, stop) = (
            Arc::new(AtomicU64::new(before)),
            Arc::new(AtomicBool::new(false)),
        );
        let (p, halt) = (Arc::clone(&peak), Arc::clone(&stop));
        let watcher = std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                p.fetch_max(rss_mib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let halt = Arc::clone(&stop);
        let bystander = tokio::spawn(async move {
            let mut slowest = Duration::ZERO;
            while !halt.load(Ordering::Relaxed) {
                let started = Instant::now();
                http.get(&health).send().await.unwrap();
                slowest = slowest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            slowest
        });
        let login = server.url("/api/v1/usr/login");
        let started = Instant::now();
        let burst = (1..=BURST).map(|n| {
            let login = login.clone();
            async move {
                let http = crate::common::http_builder()
                    .local_address(IpAddr::from([127, 0, 2, n]))
                    .build()
                    .unwrap();
                let body = json!({"email_or_username": "agent9", "password": "a wrong guess"});
                let response = http.post(login).json(&body).send().await.unwrap();
                response.status().as_u16()
            }
        });
        let statuses = futures_util::future::join_all(burst).await;
        let took = started.elapsed();
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.store(true, Ordering::Relaxed);
        watcher.join().unwrap();
        let slowest = bystander.await.unwrap();
        let (peak, after) = (peak.load(Ordering::Relaxed), rss_mib(pid));
        eprintln!(
            "{BURST} sign-ins at once answered in {:.1} s; server memory {before} MiB, peak {peak} MiB, \
             {after} MiB 2 s later; another client's slowest health check {slowest:?}",
            took.as_secs_f64()
        );
        assert!(statuses.iter().all(|s| *s == 400), "{statuses:?}");
        assert!(peak - before < 150, "the burst took {} MiB", peak - before);
        assert!(after - before < 100, "{} MiB stayed taken", after - before);
        assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    });
}
