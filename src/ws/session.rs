//! The loop every socket runs, whatever its feed: welcome, snapshot, then client frames, queued
//! group frames, pings, token expiry and close requests, until one side ends it.

use std::future::Future;
use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::mpsc;
use tungstenite::Message;
use tungstenite::protocol::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;

use super::pipeline::{Pending, Pipeline};
use super::rate::{Admission, FrameRate};
use super::upgrade::WebSocket;
use crate::auth::AuthError;
use crate::hub::{Close, Closer, Connection};
use crate::inbox::revocations::auth_close;
use crate::inbox::{Action, InboxError};
use crate::protocol::Frame;
use crate::protocol::client::{DecodeError, Request, decode};
use crate::protocol::codes::close;
use crate::protocol::server::{INVALID_JSON, ServerFrame};
use crate::state::AppState;

/// How long the server waits for the close handshake before dropping the connection.
pub const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Queued frames written before one flush.
const WRITE_BATCH: usize = 64;

/// A registered socket and what its loop needs to know about it.
pub struct Socket {
    pub state: AppState,
    /// Registration in the hub; dropped last.
    pub conn: Connection,
    /// Frames published to the socket's groups.
    pub rx: mpsc::Receiver<Frame>,
    /// When the token expires (seconds since the epoch).
    pub expires_at: Option<i64>,
    /// Client address, for logs.
    pub peer: IpAddr,
    /// What the socket is, for logs (`chat Qm7pTk`).
    pub what: String,
    /// Who, for logs.
    pub username: String,
    /// The `connection_established` frame (the setup feed has none: its first frame is the
    /// checklist).
    pub welcome: Option<Frame>,
}

/// A socket must stop: its close was requested, or writing to it failed or stalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closing;

/// What one feed does on top of the shared loop.
pub trait Feed: Send + 'static {
    /// The feed's client requests.
    type Request: Request + Send;

    /// The answer to a frame that is not JSON.
    const NOT_JSON: &'static str = INVALID_JSON;

    /// Joins the feed's groups, then sends the snapshot (joining first loses nothing).
    fn open(
        &mut self,
        conn: &Connection,
        out: &mut Outbox<'_>,
    ) -> impl Future<Output = Result<(), Closing>> + Send;

    /// Handles one decoded request.
    fn handle(
        &mut self,
        request: Self::Request,
        out: &mut Outbox<'_>,
    ) -> impl Future<Output = Result<(), Closing>> + Send;

    /// When the feed next wants [`Feed::on_deadline`] called.
    fn deadline(&self) -> Option<Instant> {
        None
    }

    fn on_deadline(
        &mut self,
        out: &mut Outbox<'_>,
    ) -> impl Future<Output = Result<(), Closing>> + Send;

    /// A group the socket is in was nudged: something the feed shows changed.
    fn on_nudge(&mut self) {}

    /// Whether a nudge would tell the feed anything new. While it is `false` (a refresh is
    /// already due) nudges are not even woken for: they only leave the socket's one flag
    /// raised, and the due refresh, reading after them, takes them as seen.
    fn wants_nudges(&self) -> bool {
        true
    }
}

/// Writes to the socket, giving up when a close is requested or a write stalls; holds the
/// socket's requests in flight.
pub struct Outbox<'a> {
    ws: &'a mut WebSocket,
    closer: &'a Closer,
    write_timeout: Duration,
    pipeline: &'a mut Pipeline,
    /// The socket's queue of group frames, sent ahead of a reply from the pipeline so that a
    /// reply never overtakes an echo published before it.
    queued: &'a mut mpsc::Receiver<Frame>,
}

impl Outbox<'_> {
    pub async fn send(&mut self, frame: &Frame) -> Result<(), Closing> {
        self.send_all(std::slice::from_ref(frame)).await
    }

    /// Serializes and sends one frame meant for this socket only.
    pub async fn reply(&mut self, frame: &ServerFrame) -> Result<(), Closing> {
        self.send(&frame.encode()).await
    }

    pub async fn error(&mut self, text: impl Into<String>) -> Result<(), Closing> {
        self.reply(&ServerFrame::error(text)).await
    }

    /// Sends the error frame the inbox's table gives for `e`; the server's own failures are
    /// logged with their log text, which the client never sees.
    pub async fn refuse(&mut self, e: &InboxError, action: Action) -> Result<(), Closing> {
        self.send(&refusal(e, action)).await
    }

    /// Puts a request in flight: the socket reads on, and `pending`'s end (and its frame, if
    /// any) comes after those of every request put in flight before it.
    pub fn defer(&mut self, pending: Pending) {
        self.pipeline.push(pending);
    }

    /// Finishes every request in flight and sends what they published to the socket's groups
    /// and their own frames, in order (each request's frame after what was published before
    /// it ended, before what later ones publish), with one flush; a request whose answer must
    /// not overtake them calls this first.
    pub async fn settle(&mut self) -> Result<(), Closing> {
        if self.pipeline.is_empty() {
            return Ok(());
        }
        let mut frames = Vec::new();
        while !self.pipeline.is_empty() {
            if let Some(reply) = self.pipeline.next().await {
                self.take_queued(&mut frames);
                frames.push(reply);
            }
        }
        self.take_queued(&mut frames);
        self.send_all(&frames).await
    }

    fn take_queued(&mut self, frames: &mut Vec<Frame>) {
        while let Ok(frame) = self.queued.try_recv() {
            frames.push(frame);
        }
    }

    /// Sends `first` and the group frames queued behind it, up to a batch, with one flush.
    async fn send_queued(&mut self, first: Frame) -> Result<(), Closing> {
        let mut frames = vec![first];
        while frames.len() < WRITE_BATCH
            && let Ok(next) = self.queued.try_recv()
        {
            frames.push(next);
        }
        self.send_all(&frames).await
    }

    /// Sends `reply`, if any, after every group frame queued for the socket so far.
    async fn send_behind_queued(&mut self, reply: Option<Frame>) -> Result<(), Closing> {
        let Some(reply) = reply else {
            return Ok(());
        };
        let mut frames = Vec::new();
        self.take_queued(&mut frames);
        frames.push(reply);
        self.send_all(&frames).await
    }

    /// Sends frames with one flush.
    pub async fn send_all(&mut self, frames: &[Frame]) -> Result<(), Closing> {
        let messages: Vec<Message> = frames.iter().cloned().map(Message::Text).collect();
        self.write(messages).await
    }

    /// Writes messages with one flush, racing the close signal and the write timeout.
    async fn write(&mut self, messages: Vec<Message>) -> Result<(), Closing> {
        let ws = &mut *self.ws;
        let write = async {
            for message in messages {
                ws.feed(message).await?;
            }
            ws.flush().await
        };
        tokio::select! {
            biased;
            _ = self.closer.closed() => Err(Closing),
            written = tokio::time::timeout(self.write_timeout, write) => match written {
                Ok(Ok(())) => Ok(()),
                Ok(Err(_)) => Err(Closing),
                Err(_) => {
                    self.closer.close(Close::new(close::TRY_AGAIN_LATER, "too slow"));
                    Err(Closing)
                }
            },
        }
    }
}

/// How a socket's loop ended.
enum Ending {
    Close(Close),
    /// The client closed (with this code, 1005 when it gave none); answer its close.
    ClientClosed(u16),
    Lost,
}

/// The error frame the inbox's table gives for `e`; the server's own failures are logged with
/// their log text, which the client never sees.
#[must_use]
pub fn refusal(e: &InboxError, action: Action) -> Frame {
    if e.is_internal() {
        tracing::error!("{action:?} failed: {e}");
    }
    ServerFrame::error(e.client(action).message).encode()
}

/// Runs a socket to its end, then leaves its groups and closes it.
pub async fn run<F: Feed>(mut ws: WebSocket, mut socket: Socket, mut feed: F) {
    let started = Instant::now();
    tracing::info!(
        "{} connected to {} from {}",
        socket.username,
        socket.what,
        socket.peer
    );
    let mut pipeline = Pipeline::default();
    let ending = drive(&mut ws, &mut socket, &mut feed, &mut pipeline).await;
    // What the socket queued is committed whatever happens to the socket; publishing it here
    // lets the conversation's other viewers see it even though its sender is gone.
    pipeline.settle().await;
    drop(feed);
    let Socket {
        conn,
        rx,
        username,
        what,
        peer,
        ..
    } = socket;
    match &ending {
        Ending::Close(close) => conn.record_close(close.code, "server"),
        Ending::ClientClosed(code) => conn.record_close(*code, "client"),
        Ending::Lost => conn.record_close(1006, "lost"),
    }
    // Leave the groups (and, for a last socket, start the presence grace) before the close
    // handshake, which a dead peer never answers.
    drop((rx, conn));
    let how = match ending {
        Ending::Close(close) => {
            let how = format!("closed by the server ({} {})", close.code, close.reason);
            send_close(&mut ws, close).await;
            how
        }
        Ending::ClientClosed(_) => {
            let _ = tokio::time::timeout(CLOSE_GRACE, ws.close(None)).await;
            "closed by the client".to_owned()
        }
        Ending::Lost => "lost".to_owned(),
    };
    tracing::info!(
        "{username} left {what} from {peer}: {how} after {}s",
        started.elapsed().as_secs()
    );
}

/// The feed's one-off and per-request futures (loading a snapshot, storing a message) are boxed:
/// kept inline, room for their largest state would stay reserved in every idle socket's task
/// (about 0.5 KB each).
async fn drive<F: Feed>(
    ws: &mut WebSocket,
    s: &mut Socket,
    feed: &mut F,
    pipeline: &mut Pipeline,
) -> Ending {
    let limits = s.state.config.limits.clone();
    let closer = s.conn.closer();
    let ended = |closer: &Closer| closer.requested().map_or(Ending::Lost, Ending::Close);
    let write_timeout = limits.idle_timeout();
    macro_rules! outbox {
        () => {
            Outbox {
                ws: &mut *ws,
                closer,
                write_timeout,
                pipeline: &mut *pipeline,
                queued: &mut s.rx,
            }
        };
    }
    if greet(s.welcome.as_ref(), &s.conn, feed, &mut outbox!())
        .await
        .is_err()
    {
        return ended(closer);
    }
    let far = Instant::now() + Duration::from_secs(10 * 365 * 86_400);
    let expiry = tokio::time::sleep_until(s.expires_at.map_or(far, instant_of).into());
    let wake = tokio::time::sleep_until(far.into());
    tokio::pin!(expiry, wake);
    let mut armed: Option<Instant> = None;
    let mut ping = tokio::time::interval_at(
        (Instant::now() + limits.ping_interval()).into(),
        limits.ping_interval(),
    );
    let mut rate = FrameRate::new(limits.frames_per_second, limits.frame_burst);
    let mut last_heard = Instant::now();
    loop {
        let deadline = feed.deadline();
        if deadline != armed {
            wake.as_mut().reset(deadline.unwrap_or(far).into());
            armed = deadline;
        }
        tokio::select! {
            biased;
            close = closer.closed() => return Ending::Close(close),
            () = &mut expiry => return Ending::Close(auth_close(&AuthError::Expired)),
            reply = pipeline.next() => {
                if outbox!().send_behind_queued(reply).await.is_err() {
                    return ended(closer);
                }
            }
            incoming = ws.next(), if pipeline.has_room() => {
                let message = match incoming {
                    None => return Ending::Lost,
                    Some(Err(e)) => return read_error(&e),
                    Some(Ok(message)) => message,
                };
                last_heard = Instant::now();
                if let Some(ending) = control(&message, &s.conn) {
                    return ending;
                }
                if !(message.is_text() || message.is_binary()) {
                    continue;
                }
                let mut out = outbox!();
                let handled = match rate.admit() {
                    Admission::Accept => Box::pin(receive(&message, feed, &mut out)).await,
                    Admission::Warn => out.error("Rate limit exceeded").await,
                    Admission::Drop => Ok(()),
                    Admission::Close => {
                        return Ending::Close(Close::new(close::POLICY, "rate limit exceeded"));
                    }
                };
                if handled.is_err() {
                    return ended(closer);
                }
            }
            Some(first) = s.rx.recv() => {
                if outbox!().send_queued(first).await.is_err() {
                    return ended(closer);
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() >= limits.idle_timeout() {
                    return Ending::Close(Close::new(close::GOING_AWAY, "idle timeout"));
                }
                if outbox!().write(vec![Message::Ping(bytes::Bytes::new())]).await.is_err() {
                    return ended(closer);
                }
                s.conn.stats().pinged();
            }
            () = &mut wake, if armed.is_some() => {
                armed = None;
                // What the deadline does (a list's refresh) reads after every nudge so far.
                let _ = s.conn.nudged().now_or_never();
                let mut out = outbox!();
                if Box::pin(feed.on_deadline(&mut out)).await.is_err() {
                    return ended(closer);
                }
            }
            () = s.conn.nudged(), if feed.wants_nudges() => feed.on_nudge(),
        }
    }
}

/// Sends the welcome, if the feed has one, then the feed's snapshot.
async fn greet<F: Feed>(
    welcome: Option<&Frame>,
    conn: &Connection,
    feed: &mut F,
    out: &mut Outbox<'_>,
) -> Result<(), Closing> {
    if let Some(welcome) = welcome {
        out.send(welcome).await?;
    }
    Box::pin(feed.open(conn, out)).await
}

/// What a control message from the client means: its close ends the socket (1005 when it gave
/// no code); a pong times the last ping for the admin's connections page.
fn control(message: &Message, conn: &Connection) -> Option<Ending> {
    match message {
        Message::Close(frame) => Some(Ending::ClientClosed(
            frame.as_ref().map_or(1005, |f| f.code.into()),
        )),
        Message::Pong(_) => {
            conn.stats().ponged();
            None
        }
        _ => None,
    }
}

async fn receive<F: Feed>(
    message: &Message,
    feed: &mut F,
    out: &mut Outbox<'_>,
) -> Result<(), Closing> {
    let Message::Text(text) = message else {
        return out.error("Binary frames are not supported").await;
    };
    match decode::<F::Request>(text) {
        Ok(request) => feed.handle(request, out).await,
        Err(DecodeError::NotJson) => out.send(&Frame::from(F::NOT_JSON)).await,
        Err(e) => out.error(e.to_string()).await,
    }
}

fn read_error(e: &tungstenite::Error) -> Ending {
    match e {
        tungstenite::Error::Capacity(_) => {
            Ending::Close(Close::new(close::TOO_BIG, "frame too large"))
        }
        tungstenite::Error::Utf8(_) => Ending::Close(Close::new(
            close::INVALID_PAYLOAD,
            "text frame is not UTF-8",
        )),
        _ => Ending::Lost,
    }
}

fn instant_of(unix_secs: i64) -> Instant {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(unix_secs).unwrap_or(0));
    let left = at
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    Instant::now() + left
}

/// Sends the last frame and the close frame, then waits briefly for the client's close.
async fn send_close(ws: &mut WebSocket, close: Close) {
    let send = async {
        if let Some(frame) = close.last_frame {
            ws.send(Message::Text(frame)).await?;
        }
        ws.send(close_message(close.code, close.reason)).await
    };
    if matches!(tokio::time::timeout(CLOSE_GRACE, send).await, Ok(Ok(()))) {
        await_close(ws).await;
    }
}

/// A close frame with `code` and `reason`.
#[must_use]
pub fn close_message(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    }))
}

/// Reads until the client answers the close (or the grace period ends).
pub async fn await_close(ws: &mut WebSocket) {
    let drain = async { while let Some(Ok(_)) = ws.next().await {} };
    let _ = tokio::time::timeout(CLOSE_GRACE, drain).await;
}
