//! A handshake storm: 2,000 handshakes a second from 127.0.0.1 and 1,000 from the blacklisted
//! 127.0.0.3, at the default limits, while an agent on 127.0.0.2 opens sockets as usual.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

use crate::common::process::{Served, cli, free_port};
use crate::measured;
use crate::probe::{Latency, workspace};
use futures_util::StreamExt;

/// A TCP connection to `port` from `local` (any 127.0.0.0/8 address).
async fn connect_from(local: IpAddr, port: u16) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local, 0))?;
    socket.connect(([127, 0, 0, 1], port).into()).await
}

/// One raw upgrade request; the HTTP status of the answer (0 when the connection failed).
async fn raw_handshake(local: IpAddr, port: u16, path: String) -> u16 {
    let Ok(mut stream) = connect_from(local, port).await else {
        return 0;
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return 0;
    }
    let mut line = String::new();
    let mut reader = BufReader::new(stream);
    let read = reader.read_line(&mut line);
    match tokio::time::timeout(Duration::from_secs(5), read).await {
        Ok(Ok(_)) => line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        _ => 0,
    }
}

/// Statuses seen from one address.
type Tally = Arc<Mutex<BTreeMap<u16, usize>>>;

/// Sends `per_second` handshakes from `local` for `length`; returns the tally.
async fn storm(
    local: IpAddr,
    port: u16,
    path: String,
    per_second: usize,
    length: Duration,
) -> Tally {
    let tally: Tally = Arc::default();
    let permits = Arc::new(tokio::sync::Semaphore::new(512));
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let started = Instant::now();
    let mut tasks = Vec::new();
    while started.elapsed() < length {
        tick.tick().await;
        for _ in 0..per_second / 100 {
            let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
            let (tally, path) = (Arc::clone(&tally), path.clone());
            tasks.push(tokio::spawn(async move {
                let status = raw_handshake(local, port, path).await;
                *tally.lock().unwrap().entry(status).or_default() += 1;
                drop(permit);
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    tally
}

/// Opens a real chat socket from `local` and times it to `connection_established`.
async fn agent_connects(local: IpAddr, port: u16, path: &str) -> Duration {
    let started = Instant::now();
    let stream = connect_from(local, port).await.unwrap();
    let url = format!("ws://127.0.0.1:{port}{path}");
    let (mut ws, _) = tokio_tungstenite::client_async(url.as_str(), stream)
        .await
        .expect("the agent's handshake is accepted during the storm");
    let welcome = ws.next().await.unwrap().unwrap();
    let took = started.elapsed();
    assert!(
        welcome
            .to_text()
            .unwrap()
            .contains("connection_established")
    );
    took
}

#[test]
fn a_handshake_storm_from_one_address_does_not_keep_another_out() {
    measured(async {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        cli(d, &["blacklist", "add", "127.0.0.3"]);
        let server = Served::start(d, free_port(), &[]);
        let token = workspace(d);
        let conv = cli(d, &["conversation", "add", "--customer", "Storm Watch"]);
        let path = format!("/ws/chat/{conv}/?token={token}");
        let (stormy, listed, agent) = (
            IpAddr::from([127, 0, 0, 1]),
            IpAddr::from([127, 0, 0, 3]),
            IpAddr::from([127, 0, 0, 2]),
        );
        let mut before = Vec::new();
        for _ in 0..3 {
            before.push(agent_connects(agent, server.port, &path).await);
        }
        let length = Duration::from_secs(5);
        let started = Instant::now();
        let from_stormy = tokio::spawn(storm(stormy, server.port, path.clone(), 2000, length));
        let from_listed = tokio::spawn(storm(listed, server.port, path.clone(), 1000, length));
        let mut during = Vec::new();
        tokio::time::sleep(Duration::from_millis(500)).await;
        for _ in 0..6 {
            during.push(agent_connects(agent, server.port, &path).await);
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        let stormy = from_stormy.await.unwrap().lock().unwrap().clone();
        let listed = from_listed.await.unwrap().lock().unwrap().clone();
        let took = started.elapsed().as_secs_f64();
        let total: usize = stormy.values().chain(listed.values()).sum();
        let (before, during) = (Latency::of(before), Latency::of(during));
        eprintln!(
            "handshake storm: {total} handshakes in {took:.1} s ({:.0}/s); from 127.0.0.1 \
             {stormy:?}; from blacklisted 127.0.0.3 {listed:?}; the agent on 127.0.0.2 \
             connected every time, before {before}; during {during}",
            total as f64 / took
        );
        assert!(
            total as f64 / took > 1500.0,
            "the storm was too weak to mean anything"
        );
        // 0: no answer: dropped past `limits.max_connections_per_address` open at once, or the
        // generator could not connect (loopback ports exhausted by earlier tests).
        assert!(
            listed.keys().all(|status| [0, 403].contains(status)) && listed.contains_key(&403),
            "the blacklisted address gets 403s and no socket: {listed:?}"
        );
        let opened = stormy.get(&101).copied().unwrap_or(0);
        assert!(
            (1..=15).contains(&opened),
            "the burst of 10 and the refill: {stormy:?}"
        );
        assert!(
            stormy.keys().all(|status| [0, 101, 429].contains(status)) && stormy.contains_key(&429),
            "past the burst, 429s (or dropped past the open-connection cap): {stormy:?}"
        );
        // The storm takes the server's cores (a debug build, beside its generator): what must
        // hold is that the agent gets in every time and is slowed, not starved. On the 2-core
        // VM, after other tests left tens of thousands of loopback ports in TIME_WAIT, the
        // median during the storm reached 200–250 ms (the last landed build as well).
        let bound = before.median() * 5 + Duration::from_millis(400);
        assert!(
            during.median() <= bound,
            "the agent waited: {before} → {during}"
        );
    });
}
