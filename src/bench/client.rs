//! The load generator's WebSocket client: a chat or list socket from a chosen loopback address
//! (so tens of thousands of sockets do not run out of ports), over TCP or over TLS trusting only
//! the server's authority, with a small read buffer (so the generator's memory does not drown
//! the server's), and a cheap reader of the frames the benchmarks care about.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::StreamExt;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpSocket;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::WebSocketStream;
use tungstenite::Message;
use tungstenite::protocol::WebSocketConfig;

/// A byte stream a socket runs over: TCP, or TLS over TCP.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A client socket.
pub type Socket = WebSocketStream<Box<dyn Io>>;

/// Sockets per loopback source address (well under the ephemeral port range).
const PER_ADDRESS: usize = 20_000;

/// The loopback address the `n`th socket connects from: 127.0.1.1, 127.0.1.2, …
#[must_use]
pub fn source(n: usize) -> IpAddr {
    let k = u8::try_from(n / PER_ADDRESS % 250 + 1).unwrap_or(1);
    IpAddr::from([127, 0, 1, k])
}

/// How long opening one socket (connect, handshake, welcome, snapshot) may take before it
/// counts as failed: a server out of file descriptors leaves connections in its backlog.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens `path` (with `?token=`) from `local` and reads the welcome and the snapshot.
pub async fn open(
    server: SocketAddr,
    local: IpAddr,
    path: &str,
    token: &str,
) -> anyhow::Result<Socket> {
    open_over(server, local, path, token, None).await
}

/// [`open`], over TLS with `tls` when given (`wss://`).
pub async fn open_over(
    server: SocketAddr,
    local: IpAddr,
    path: &str,
    token: &str,
    tls: Option<&Arc<rustls::ClientConfig>>,
) -> anyhow::Result<Socket> {
    tokio::time::timeout(OPEN_TIMEOUT, open_now(server, local, path, token, tls))
        .await
        .context("timed out")?
}

async fn open_now(
    server: SocketAddr,
    local: IpAddr,
    path: &str,
    token: &str,
    tls: Option<&Arc<rustls::ClientConfig>>,
) -> anyhow::Result<Socket> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local, 0))?;
    let tcp = socket.connect(server).await.context("connect")?;
    tcp.set_nodelay(true)?;
    let (stream, scheme): (Box<dyn Io>, &str) = match tls {
        Some(config) => {
            let name = ServerName::IpAddress(server.ip().into());
            let secure = TlsConnector::from(config.clone())
                .connect(name, tcp)
                .await
                .context("TLS handshake")?;
            (Box::new(secure), "wss")
        }
        None => (Box::new(tcp), "ws"),
    };
    let url = format!("{scheme}://{server}{path}?token={token}");
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
        .await
        .context("handshake")?;
    for expected in ["connection_established", ""] {
        let frame = next_text(&mut ws).await?;
        if !frame.contains(expected) || frame.contains("authentication_error") {
            bail!("unexpected first frames: {frame:.200}");
        }
    }
    Ok(ws)
}

/// The next text frame (pings are answered by reading).
pub async fn next_text(ws: &mut Socket) -> anyhow::Result<tungstenite::Utf8Bytes> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => return Ok(t),
            Some(Ok(Message::Close(c))) => bail!("closed: {c:?}"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
            None => bail!("connection ended"),
        }
    }
}

/// The `content` of a `chat_message` frame, found without parsing the whole frame.
#[must_use]
pub fn chat_content(frame: &str) -> Option<&str> {
    if !frame.starts_with(r#"{"type":"chat_message""#) {
        return None;
    }
    let start = frame.find(r#""content":""#)? + r#""content":""#.len();
    let len = frame[start..].find('"')?;
    Some(&frame[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_spread_over_loopback_addresses() {
        assert_eq!(source(0), IpAddr::from([127, 0, 1, 1]));
        assert_eq!(source(PER_ADDRESS), IpAddr::from([127, 0, 1, 2]));
    }

    #[test]
    fn the_content_is_read_from_a_chat_message_frame_only() {
        let frame =
            r#"{"type":"chat_message","message":{"id":"a","content":"b1:2:3","type":"support"}}"#;
        assert_eq!(chat_content(frame), Some("b1:2:3"));
        assert_eq!(chat_content(r#"{"type":"typing","content":"x"}"#), None);
    }
}
