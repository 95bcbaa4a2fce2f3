//! Ten thousand idle sockets (answering pings, as open browser tabs do): the others' delivery
//! latency before and after they connect, and what each costs the server in memory.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::net::TcpSocket;

use crate::common::process::{Served, cli, free_port};
use crate::measured;
use crate::probe::{Probe, assert_unharmed, workspace};
use crate::stall::metric;

/// Idle sockets to open.
const IDLE: usize = 10_000;

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Opens one chat socket from `local` and keeps reading it (answering pings) until dropped.
async fn idle_socket(local: IpAddr, port: u16, url: String) -> tokio::task::JoinHandle<()> {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(local, 0)).unwrap();
    let stream = socket.connect(([127, 0, 0, 1], port).into()).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(url.as_str(), stream)
        .await
        .unwrap();
    let _welcome = ws.next().await;
    tokio::spawn(async move { while let Some(Ok(_)) = ws.next().await {} })
}

#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_idle_sockets_do_not_slow_the_server() {
    rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let (soft, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
    assert!(
        soft > (IDLE + 1000) as u64,
        "this test needs {} open files; the limit is {soft} (raise it with ulimit -n)",
        IDLE + 1000
    );
    measured(async {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let room = [
            ("PILITO_BOX_LIMITS__MAX_CONNECTIONS", "20000"),
            ("PILITO_BOX_LIMITS__MAX_CONNECTIONS_PER_USER", "20000"),
            ("PILITO_BOX_LIMITS__HANDSHAKES_PER_MINUTE", "1000000"),
            ("PILITO_BOX_LIMITS__HANDSHAKE_BURST", "100000"),
        ];
        let server = Served::start(d, free_port(), &room);
        let token = workspace(d);
        let mut probe = Probe::open(&server, d, &token).await;
        let before = probe.sample(40).await;
        let rss_before = rss_kib(server.pid());

        let rooms: Vec<String> = (0..10)
            .map(|i| {
                cli(
                    d,
                    &[
                        "conversation",
                        "add",
                        "--customer",
                        &format!("Idle Room{i}"),
                    ],
                )
            })
            .collect();
        let started = Instant::now();
        let mut open = Vec::with_capacity(IDLE);
        for batch in 0..IDLE / 100 {
            let connects = (0..100).map(|i| {
                let n = batch * 100 + i;
                let local = IpAddr::from([127, 0, 1, u8::try_from(n % 50 + 1).unwrap()]);
                let url = server.ws_url(&format!("/ws/chat/{}/", rooms[n % 10]), &token);
                idle_socket(local, server.port, url)
            });
            open.extend(futures_util::future::join_all(connects).await);
        }
        let connect_time = started.elapsed();
        assert_eq!(
            metric(&server, "pilito_connections").await,
            (IDLE + 2) as u64
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss_idle = rss_kib(server.pid());
        let during = probe.sample(40).await;
        let per_socket = (rss_idle.saturating_sub(rss_before)) * 1024 / IDLE as u64;
        eprintln!(
            "{IDLE} idle sockets opened in {:.1} s ({:.0}/s); server memory {} MiB → {} MiB \
             ({per_socket} bytes per idle socket); others' delivery before {before}; with them \
             open {during}",
            connect_time.as_secs_f64(),
            IDLE as f64 / connect_time.as_secs_f64(),
            rss_before / 1024,
            rss_idle / 1024
        );
        assert_unharmed("10,000 idle sockets", &before, &during);
        for task in open {
            task.abort();
        }
    });
}
