//! The network's own faults and tricks: a text frame that is not UTF-8, a peer that vanishes
//! without closing (half-open TCP behind a black hole), and `X-Forwarded-For` believed only from
//! the proxies the configuration names.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::SinkExt;
use pilito_box::storage::blacklist;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::common::client::Ended;
use crate::common::{Client, TestApp, spawn_with};

async fn alive(c: &mut Client) {
    c.send(serde_json::json!({"type": "ping"})).await;
    assert_eq!(c.recv_type("pong").await["type"], "pong");
}

#[tokio::test]
async fn a_text_frame_that_is_not_utf8_closes_1007_and_others_keep_working() {
    let app = spawn_with(|_| {}).await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut bad = app.chat(&conv, &token).await;
    let mut other = app.chat(&conv, &token).await;
    let invalid = vec![b'{', b'"', 0xC3, 0x28, 0xFF, b'"', b'}'];
    let frame = Frame::message(invalid, OpCode::Data(Data::Text), true);
    bad.ws.send(Message::Frame(frame)).await.unwrap();
    let (ended, frames) = bad.until_closed().await;
    assert_eq!(
        ended,
        Ended::Closed(1007, "text frame is not UTF-8".into()),
        "{frames:?}"
    );
    alive(&mut other).await;
}

/// A TCP relay that can turn into a black hole: it keeps both connections open but stops moving
/// bytes, as a peer does when its machine loses power or its Wi-Fi drops.
struct BlackHole {
    addr: SocketAddr,
    open: Arc<AtomicBool>,
}

impl BlackHole {
    async fn before(server: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let open = Arc::new(AtomicBool::new(true));
        let flag = Arc::clone(&open);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = TcpStream::connect(server).await.unwrap();
                let (cr, cw) = client.into_split();
                let (ur, uw) = upstream.into_split();
                tokio::spawn(relay(cr, uw, Arc::clone(&flag)));
                tokio::spawn(relay(ur, cw, Arc::clone(&flag)));
            }
        });
        Self { addr, open }
    }

    fn swallow(&self) {
        self.open.store(false, Ordering::SeqCst);
    }
}

/// Copies until the hole closes, then holds both halves open and reads nothing more.
async fn relay(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    open: Arc<AtomicBool>,
) {
    let mut buf = vec![0_u8; 16 * 1024];
    loop {
        let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(50), from.read(&mut buf)).await
        else {
            if open.load(Ordering::SeqCst) {
                continue;
            }
            break;
        };
        if n == 0 || !open.load(Ordering::SeqCst) || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(60)).await;
    drop((from, to));
}

#[tokio::test]
async fn a_half_open_connection_is_reaped_by_the_ping_timeout() {
    let app = spawn_with(|c| {
        c.limits.ping_interval_secs = 1;
        c.limits.idle_timeout_secs = 3;
        c.limits.presence_grace_secs = 1;
    })
    .await;
    let (sara, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let hole = BlackHole::before(app.addr).await;
    let url = format!("ws://{}/ws/chat/{conv}/?token={token}", hole.addr);
    let mut vanishing = Client::connect(&url).await.unwrap();
    assert_eq!(vanishing.recv().await["type"], "connection_established");
    let group = format!("chat_{conv}");
    assert_eq!(app.state.hub.group_size(&group), 1);
    let connected = Instant::now();
    while !app.is_online(sara.id).await {
        assert!(connected.elapsed() < Duration::from_secs(3), "never online");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    hole.swallow();
    let swallowed = Instant::now();
    while app.state.hub.group_size(&group) > 0 {
        assert!(
            swallowed.elapsed() < Duration::from_secs(8),
            "the dead peer was never reaped"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reaped = swallowed.elapsed();
    assert!(
        reaped >= Duration::from_secs(2),
        "reaped before the idle timeout: {reaped:?}"
    );
    while app.is_online(sara.id).await {
        assert!(
            swallowed.elapsed() < Duration::from_secs(12),
            "the dead peer's user stayed online"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("half-open: reaped {reaped:?} after the peer vanished (idle timeout 3 s)");
    drop(vanishing);
}

/// Adds `ip` to the blacklist and waits until the gate refuses it.
async fn blacklist_and_wait(app: &TestApp, ip: &str) {
    let ip = ip.parse().unwrap();
    app.state
        .store
        .write(move |c| blacklist::add(c, ip, Some("test")))
        .await
        .unwrap();
    let started = Instant::now();
    while !app.state.gate.is_blacklisted(ip) {
        assert!(started.elapsed() < Duration::from_secs(3), "not picked up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens a socket from `local` (any 127.0.0.0/8 address) carrying `X-Forwarded-For: xff`;
/// returns the HTTP status of the handshake (101 when it opened).
async fn handshake_from(app: &TestApp, local: &str, url: &str, xff: &str) -> u16 {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{local}:0").parse().unwrap()).unwrap();
    let stream = socket.connect(app.addr).await.unwrap();
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("x-forwarded-for", xff.parse().unwrap());
    match tokio_tungstenite::client_async(request, stream).await {
        Ok((mut ws, response)) => {
            let _ = ws.close(None).await;
            response.status().as_u16()
        }
        Err(tungstenite::Error::Http(r)) => r.status().as_u16(),
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_configured_proxies() {
    let app = spawn_with(|c| {
        c.trusted_proxies = vec!["127.0.0.2".parse().unwrap()];
        c.limits.handshakes_per_minute = 3;
        c.limits.handshake_burst = 3;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token));
    blacklist_and_wait(&app, "203.0.113.9").await;

    assert_eq!(
        handshake_from(&app, "127.0.0.2", &url, "203.0.113.9").await,
        403,
        "through the proxy, the blacklisted client is known by its forwarded address"
    );
    assert_eq!(
        handshake_from(&app, "127.0.0.1", &url, "203.0.113.9").await,
        101,
        "a direct client cannot borrow another's address"
    );
    for i in 0..3 {
        let via_proxy = handshake_from(&app, "127.0.0.2", &url, &format!("198.51.100.{i}")).await;
        assert_eq!(
            via_proxy, 101,
            "each client behind the proxy has its own budget"
        );
    }
    let mut direct = vec![101];
    for i in 0..4 {
        direct.push(handshake_from(&app, "127.0.0.1", &url, &format!("192.0.2.{i}")).await);
    }
    assert_eq!(
        direct,
        [101, 101, 101, 429, 429],
        "a direct client cannot dodge its rate limit by inventing forwarded addresses"
    );
}

#[tokio::test]
async fn a_client_that_trickles_its_request_head_is_cut_off() {
    let app = spawn_with(|_| {}).await;
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(b"GET /ws/chat/abc/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0_u8; 256];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(20), slow.read(&mut buf))
            .await
            .expect("the server never gave up on the trickling client");
        match read {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let cut = started.elapsed();
    assert!(
        (Duration::from_secs(9)..Duration::from_secs(15)).contains(&cut),
        "cut off after {cut:?}"
    );
    let mut fine = Client::connect(&app.ws_url("/ws/conversations/", None))
        .await
        .expect("others still connect");
    assert_eq!(fine.recv().await["type"], "authentication_error");
}
