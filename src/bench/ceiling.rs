//! The ceiling the figures are compared with: a bare in-memory WebSocket fan-out server in
//! Rust (`pilito-box bench ceiling`, hidden; the rig starts it with `--ceiling`). It speaks just
//! enough of the chat feed for the generator — the `connection_established` and snapshot frames
//! on connect, each `chat_message` echoed to every socket of its room, in arrival order, through
//! one bounded queue per socket — and nothing of the product: no token check, no database, no
//! lists, no presence. What pilito-box costs above it is the price of being a product.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tungstenite::handshake::server::{Request, Response};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, Utf8Bytes};

/// `pilito-box bench ceiling`.
#[derive(Debug, clap::Args)]
pub struct CeilingArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: std::net::SocketAddr,
}

/// Frames queued per socket before a slow one is dropped (as the hub's default).
const QUEUE: usize = 1024;

type Rooms = Arc<Mutex<HashMap<String, Vec<(u64, mpsc::Sender<Utf8Bytes>)>>>>;

/// Serves until killed; prints `listening on http://…` to stderr like `serve`.
pub fn run(args: &CeilingArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(args.bind).await?;
        eprintln!("listening on http://{}", listener.local_addr()?);
        let rooms = Rooms::default();
        let mut next_id = 0_u64;
        loop {
            let (tcp, _) = listener.accept().await?;
            next_id += 1;
            tokio::spawn(socket(tcp, Arc::clone(&rooms), next_id));
        }
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

// The handshake callback's error type is tungstenite's, not ours to shrink.
#[allow(clippy::result_large_err)]
async fn socket(tcp: TcpStream, rooms: Rooms, id: u64) {
    let _ = tcp.set_nodelay(true);
    let mut path = String::new();
    // The product's 4 KiB read buffer, so neither side pays tungstenite's 128 KiB per socket.
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let accepted = tokio_tungstenite::accept_hdr_async_with_config(
        tcp,
        |req: &Request, res: Response| {
            req.uri().path().clone_into(&mut path);
            Ok(res)
        },
        Some(config),
    )
    .await;
    let Ok(ws) = accepted else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::channel::<Utf8Bytes>(QUEUE);
    lock(&rooms).entry(path.clone()).or_default().push((id, tx));
    let welcome = [
        r#"{"type":"connection_established"}"#,
        r#"{"type":"recent_messages","messages":[]}"#,
    ];
    let writer = tokio::spawn(async move {
        for frame in welcome {
            if sink.feed(Message::text(frame)).await.is_err() {
                return;
            }
        }
        if sink.flush().await.is_err() {
            return;
        }
        while let Some(first) = rx.recv().await {
            let mut frame = Some(first);
            while let Some(f) = frame {
                if sink.feed(Message::Text(f)).await.is_err() {
                    return;
                }
                frame = rx.try_recv().ok();
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let Some(content) = content_of(&text) else {
            continue;
        };
        let frame = Utf8Bytes::from(format!(
            r#"{{"type":"chat_message","message":{{"content":"{content}"}}}}"#
        ));
        let members: Vec<mpsc::Sender<Utf8Bytes>> = lock(&rooms)
            .get(&path)
            .map(|m| m.iter().map(|(_, tx)| tx.clone()).collect())
            .unwrap_or_default();
        for member in members {
            let _ = member.try_send(frame.clone());
        }
    }
    if let Some(members) = lock(&rooms).get_mut(&path) {
        members.retain(|(member, _)| *member != id);
    }
    writer.abort();
}

/// The `content` of a client's `{"content":"…"}` frame (the generator never escapes).
fn content_of(frame: &str) -> Option<&str> {
    let start = frame.find(r#""content":""#)? + r#""content":""#.len();
    let len = frame[start..].find('"')?;
    Some(&frame[start..start + len])
}
