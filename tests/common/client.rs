//! A WebSocket test client over tokio-tungstenite, reading JSON frames with timeouts.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(5);

/// A connected socket.
pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// When the server's close frame arrived, before the close handshake was finished.
    closed_at: Option<Instant>,
}

/// What the server did instead of sending a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// A close frame with this code and reason.
    Closed(u16, String),
    /// The connection ended without a close frame.
    Dropped,
}

impl Client {
    /// Connects to a URL.
    pub async fn connect(url: &str) -> Result<Self, tungstenite::Error> {
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Self {
            ws,
            closed_at: None,
        })
    }

    /// The HTTP status of a refused handshake and its JSON body.
    pub async fn refused(url: &str) -> (u16, Value) {
        match tokio_tungstenite::connect_async(url).await {
            Err(tungstenite::Error::Http(response)) => {
                let status = response.status().as_u16();
                let body = response
                    .body()
                    .as_ref()
                    .and_then(|b| serde_json::from_slice(b).ok())
                    .unwrap_or(Value::Null);
                (status, body)
            }
            Err(e) => panic!("expected an HTTP refusal, got {e}"),
            Ok(_) => panic!("expected an HTTP refusal, got an open socket"),
        }
    }

    /// The next text frame as JSON; panics on timeout or close.
    pub async fn recv(&mut self) -> Value {
        match self.next().await {
            Ok(v) => v,
            Err(ended) => panic!("expected a frame, got {ended:?}"),
        }
    }

    /// The next text frame, or how the socket ended.
    pub async fn next(&mut self) -> Result<Value, Ended> {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for a frame");
            match msg {
                Some(Ok(Message::Text(t))) => {
                    return Ok(serde_json::from_str(&t).expect("JSON frame"));
                }
                Some(Ok(Message::Close(frame))) => {
                    self.closed_at = Some(Instant::now());
                    self.finish_close().await;
                    return Err(closed(frame));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Err(Ended::Dropped),
            }
        }
    }

    /// How long after `since` the server's close frame arrived (zero if it came before).
    pub fn closed_after(&self, since: Instant) -> Duration {
        self.closed_at
            .expect("the server sent no close frame")
            .saturating_duration_since(since)
    }

    /// Answers the server's close as a browser does: keep polling until the stream ends, which
    /// sends the close reply.
    async fn finish_close(&mut self) {
        let drain = async { while let Some(Ok(_)) = self.ws.next().await {} };
        let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
    }

    /// The next frame of type `kind`, skipping others.
    pub async fn recv_type(&mut self, kind: &str) -> Value {
        loop {
            let v = self.recv().await;
            if v["type"] == kind {
                return v;
            }
        }
    }

    /// Asserts no text frame arrives for `wait` (pings are answered, as a live client does).
    pub async fn expect_silence(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return,
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
                Ok(Some(Ok(Message::Text(t)))) => panic!("unexpected frame {t}"),
                Ok(other) => panic!("unexpected {other:?}"),
            }
        }
    }

    /// Reads frames until the socket ends; returns the close code and the frames before it.
    pub async fn until_closed(&mut self) -> (Ended, Vec<Value>) {
        let mut frames = Vec::new();
        loop {
            match self.next().await {
                Ok(v) => frames.push(v),
                Err(ended) => return (ended, frames),
            }
        }
    }

    /// Sends JSON.
    pub async fn send(&mut self, v: Value) {
        self.send_text(&v.to_string()).await;
    }

    /// Sends a text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.expect("send");
    }
}

fn closed(frame: Option<CloseFrame>) -> Ended {
    frame.map_or(Ended::Closed(1005, String::new()), |f| {
        Ended::Closed(u16::from(f.code), f.reason.to_string())
    })
}
