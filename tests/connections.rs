//! Connection-level attacks from one host of the office network (a 127.0.x.y address standing in
//! for it): connections that never speak, bodies that never come, HTTP/2 prefaces, kept-alive
//! connections left idle, and one address opening connections until the process runs out of
//! files. Each is cut off at its deadline or cap while another address's requests stay fast.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::common::{TestApp, spawn_with};

/// A TCP connection to the server from `local`.
async fn connect_from(app: &TestApp, local: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(IpAddr::from(local), 0))
        .unwrap();
    socket.connect(app.addr).await.unwrap()
}

/// Reads until the server closes (returning when, and what it sent) or `limit` passes.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> (Option<Duration>, Vec<u8>) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0_u8; 4096];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return (None, got),
            Ok(Ok(0) | Err(_)) => return (Some(started.elapsed()), got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Another office machine asking for `/api/v1/health` every 50 ms; the slowest answer so far, in
/// microseconds, and how many it got.
struct Bystander {
    slowest_us: Arc<AtomicU64>,
    answered: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Bystander {
    fn start(app: &TestApp) -> Self {
        let (slowest_us, answered, stop) = (Arc::default(), Arc::default(), Arc::default());
        let addr = app.addr;
        let (s, a, halt): (Arc<AtomicU64>, Arc<AtomicU64>, Arc<AtomicBool>) = (
            Arc::clone(&slowest_us),
            Arc::clone(&answered),
            Arc::clone(&stop),
        );
        let task = tokio::spawn(async move {
            while !halt.load(Ordering::Relaxed) {
                let started = Instant::now();
                let socket = TcpSocket::new_v4().unwrap();
                socket.bind(([127, 0, 0, 9], 0).into()).unwrap();
                let mut stream = socket.connect(addr).await.unwrap();
                stream
                    .write_all(
                        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    )
                    .await
                    .unwrap();
                let mut reply = Vec::new();
                let read =
                    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply));
                assert!(read.await.is_ok(), "the bystander got no answer in 5 s");
                assert!(reply.starts_with(b"HTTP/1.1 200"), "{reply:?}");
                let took = u64::try_from(started.elapsed().as_micros()).unwrap();
                s.fetch_max(took, Ordering::Relaxed);
                a.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        Self {
            slowest_us,
            answered,
            stop,
            task,
        }
    }

    /// Stops and asserts every answer came within `bound`; returns the slowest.
    async fn finish(self, bound: Duration) -> Duration {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap();
        let slowest = Duration::from_micros(self.slowest_us.load(Ordering::Relaxed));
        assert!(
            self.answered.load(Ordering::Relaxed) > 3,
            "the bystander was not served"
        );
        assert!(slowest < bound, "the bystander waited {slowest:?}");
        slowest
    }
}

#[tokio::test]
async fn connections_that_never_speak_are_closed_at_the_head_deadline() {
    let app = spawn_with(|c| c.limits.request_head_secs = 1).await;
    let bystander = Bystander::start(&app);
    let mut silent = Vec::new();
    for _ in 0..100 {
        silent.push((connect_from(&app, [127, 0, 5, 1]).await, Instant::now()));
    }
    let mut closed = Vec::new();
    for (stream, connected) in &mut silent {
        let (at, _) = closed_within(stream, Duration::from_secs(6)).await;
        assert!(at.is_some(), "a silent connection was held for 6 s");
        closed.push(connected.elapsed());
    }
    let last = closed.iter().max().unwrap();
    let slowest = bystander.finish(Duration::from_secs(1)).await;
    eprintln!(
        "100 silent connections: the last closed {last:?} after connecting; bystander's slowest {slowest:?}"
    );
    assert!(*last < Duration::from_secs(3), "{last:?}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_at_the_head_deadline() {
    let app = spawn_with(|c| c.limits.request_head_secs = 1).await;
    let mut stream = connect_from(&app, [127, 0, 5, 2]).await;
    stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (at, got) = closed_within(&mut stream, Duration::from_secs(6)).await;
    assert!(got.starts_with(b"HTTP/1.1 200"), "{got:?}");
    let at = at.expect("an idle kept-alive connection was held for 6 s");
    assert!(at < Duration::from_secs(3), "{at:?}");
}

/// Sends a request head announcing a 60,000-byte body, then `first` of it.
async fn announce_body(app: &TestApp, local: [u8; 4], path: &str, first: &[u8]) -> TcpStream {
    let mut stream = connect_from(app, local).await;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    stream
}

#[tokio::test]
async fn a_withheld_or_trickled_body_is_cut_off_with_408() {
    let app = spawn_with(|c| c.limits.request_body_secs = 3).await;
    let bystander = Bystander::start(&app);
    let mut withheld = Vec::new();
    for _ in 0..20 {
        withheld.push(announce_body(&app, [127, 0, 5, 3], "/api/v1/usr/login", b"{").await);
    }
    let mut trickled = announce_body(&app, [127, 0, 5, 4], "/api/v1/usr/login", b"").await;
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        // 2,000 bytes a second: above the least rate, so only the total deadline stops it.
        while started.elapsed() < Duration::from_secs(8) {
            if trickled.write_all(&[b' '; 200]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        closed_within(&mut trickled, Duration::from_secs(1)).await;
        started.elapsed()
    });
    let mut cut = Vec::new();
    for stream in &mut withheld {
        let (at, got) = closed_within(stream, Duration::from_secs(6)).await;
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(text.contains("REQUEST_TIMEOUT"), "{text}");
        cut.push(at.expect("a withheld body was held for 6 s"));
    }
    let last = *cut.iter().max().unwrap();
    let trickled_for = trickle.await.unwrap();
    let slowest = bystander.finish(Duration::from_secs(1)).await;
    eprintln!(
        "20 withheld bodies cut within {last:?}; a body trickled at 2,000 B/s cut after {trickled_for:?}; bystander's slowest {slowest:?}"
    );
    assert!(last < Duration::from_secs(2), "{last:?}");
    assert!(
        (Duration::from_secs(3)..Duration::from_secs(5)).contains(&trickled_for),
        "{trickled_for:?}"
    );

    let mut unread = announce_body(&app, [127, 0, 5, 5], "/api/v1/health", b"{").await;
    let (at, _) = closed_within(&mut unread, Duration::from_secs(6)).await;
    assert!(at.is_some(), "a body no route reads held its connection");
    let login = app
        .http
        .post(app.url("/api/v1/usr/login"))
        .json(&serde_json::json!({"username": "nobody", "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 400, "a whole body is still read");
}

#[tokio::test]
async fn http2_is_not_offered() {
    let app = spawn_with(|_| {}).await;
    let mut stream = connect_from(&app, [127, 0, 5, 6]).await;
    let mut preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    preface.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    stream.write_all(&preface).await.unwrap();
    let (at, got) = closed_within(&mut stream, Duration::from_secs(6)).await;
    eprintln!(
        "an HTTP/2 preface got {:?} and was closed after {at:?}",
        String::from_utf8_lossy(&got).lines().next()
    );
    assert!(
        !got.starts_with(&[0, 0]),
        "the server answered with an HTTP/2 frame: {got:?}"
    );
    assert!(at.is_some(), "an HTTP/2 preface held its connection");
}

#[tokio::test]
async fn one_address_cannot_hold_more_connections_than_its_cap() {
    let app = spawn_with(|c| c.limits.max_connections_per_address = 20).await;
    let bystander = Bystander::start(&app);
    let mut held = Vec::new();
    for _ in 0..30 {
        held.push(connect_from(&app, [127, 0, 6, 1]).await);
    }
    let mut refused = 0;
    let mut open = Vec::new();
    for mut stream in held {
        match closed_within(&mut stream, Duration::from_millis(300)).await {
            (Some(_), got) => {
                assert!(got.is_empty(), "{got:?}");
                refused += 1;
            }
            (None, _) => open.push(stream),
        }
    }
    let slowest = bystander.finish(Duration::from_secs(1)).await;
    eprintln!(
        "30 connections from one address with a cap of 20: {} held, {refused} closed at once; bystander's slowest {slowest:?}",
        open.len()
    );
    assert_eq!((open.len(), refused), (20, 10));
    open.truncate(15);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = connect_from(&app, [127, 0, 6, 1]).await;
    let (at, _) = closed_within(&mut again, Duration::from_millis(300)).await;
    assert!(at.is_none(), "a freed place can be taken again");
}

#[tokio::test]
async fn upgraded_sockets_count_toward_the_cap_and_outlive_the_head_deadline() {
    let app = spawn_with(|c| {
        c.limits.max_connections_per_address = 3;
        c.limits.request_head_secs = 1;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token));
    let mut sockets = Vec::new();
    for _ in 0..3 {
        let stream = connect_from(&app, [127, 0, 6, 2]).await;
        let (ws, _) = tokio_tungstenite::client_async(url.as_str(), stream)
            .await
            .unwrap();
        sockets.push(ws);
    }
    let mut fourth = connect_from(&app, [127, 0, 6, 2]).await;
    let (at, _) = closed_within(&mut fourth, Duration::from_millis(500)).await;
    assert!(at.is_some(), "a fourth connection was let in");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for socket in &mut sockets {
        socket
            .send(Message::text(r#"{"type":"ping"}"#))
            .await
            .expect("the socket outlived the head deadline");
        let pong = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(Ok(frame)) = socket.next().await {
                if frame.to_text().is_ok_and(|t| t.contains("pong")) {
                    return true;
                }
            }
            false
        });
        assert!(pong.await.unwrap(), "no pong");
    }
}
