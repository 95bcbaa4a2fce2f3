//! The listener's deadlines and cap hold with TLS on: a connection that sends nothing is cut at
//! the head deadline, a handshake that stalls half-way at the handshake deadline, a TLS client
//! that finished its handshake and then sends no request at the head deadline, and one address
//! cannot hold more TLS connections than its cap; another client stays served meanwhile.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use pilito_box::config::{Config, TlsMode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::common::spawn_with;
use crate::common::tls::{self, authority, trusting};

fn strict(config: &mut Config) {
    config.tls.mode = TlsMode::On;
    config.tls.handshake_secs = 1;
    config.limits.request_head_secs = 2;
    config.limits.max_connections_per_address = 3;
}

/// Reads until the server closes and says after how long, or `None` when `limit` passed first.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0_u8; 1024];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

async fn connect_from(addr: SocketAddr, local: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(IpAddr::from(local), 0))
        .unwrap();
    socket.connect(addr).await.unwrap()
}

#[tokio::test]
async fn silent_stalled_and_idle_tls_connections_are_cut_at_their_deadlines() {
    let app = spawn_with(strict).await;
    let mut silent = connect_from(app.addr, [127, 0, 3, 1]).await;
    let mut stalled = connect_from(app.addr, [127, 0, 3, 2]).await;
    // The start of a TLS record holding a ClientHello, and then nothing.
    stalled
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .unwrap();
    let trusted = trusting(&[authority(app.dir.path())]);
    let mut idle = tls::connect(app.addr, "localhost", &trusted).await.unwrap();
    let (silent, stalled, idle) = tokio::join!(
        closed_within(&mut silent, Duration::from_secs(6)),
        closed_within(&mut stalled, Duration::from_secs(6)),
        async {
            let started = Instant::now();
            let mut buf = [0_u8; 64];
            let read = tokio::time::timeout(Duration::from_secs(6), idle.read(&mut buf)).await;
            assert!(read.is_ok(), "the idle TLS connection was never closed");
            started.elapsed()
        },
    );
    let silent = silent.expect("a silent connection is closed");
    let stalled = stalled.expect("a stalled handshake is closed");
    assert!(
        silent >= Duration::from_millis(1900) && silent < Duration::from_secs(4),
        "{silent:?}"
    );
    assert!(
        stalled >= Duration::from_millis(900) && stalled < Duration::from_millis(2500),
        "{stalled:?}"
    );
    assert!(
        idle >= Duration::from_millis(1900) && idle < Duration::from_secs(4),
        "{idle:?}"
    );
}

#[tokio::test]
async fn one_address_cannot_hold_more_tls_connections_than_its_cap() {
    let app = spawn_with(strict).await;
    let trusted = trusting(&[authority(app.dir.path())]);
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(tls::connect(app.addr, "localhost", &trusted).await.unwrap());
    }
    let refused = tls::connect(app.addr, "localhost", &trusted).await;
    assert!(
        refused.is_err(),
        "a fourth connection from 127.0.0.1 got through"
    );
    let mut other = connect_from(app.addr, [127, 0, 3, 9]).await;
    other
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0_u8; 64];
    let n = other.read(&mut answer).await.unwrap();
    assert!(
        answer[..n].starts_with(b"HTTP/1.1 307"),
        "{:?}",
        String::from_utf8_lossy(&answer[..n])
    );
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = tls::get(app.addr, "localhost", &trusted, "/api/v1/health").await;
    assert_eq!(health.status(), 200);
}
