//! `pilito-box bench refresh`: the list feeds under load. On a generated workspace (10,000
//! conversations and 1,000,000 messages by default) it opens L conversation-list sockets, times
//! `get_conversations` round trips over them, then sends a burst of M chat messages across the
//! workspace and counts what each list socket got for it: full list frames (the costly ones,
//! which the server coalesces) and additive `conversation_updated` frames. The last list frame
//! each socket gets must show the burst's last message on top, or the socket was left stale.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::watch;
use tungstenite::Message;

use super::client::{self, Socket, chat_content};
use super::dataset::Size;
use super::lock;
use super::report::{Table, percentile_ms};
use super::rig::Rig;

const LIST_FRAME: &str = r#"{"type":"conversations_list""#;
const UPDATE_FRAME: &str = r#"{"type":"conversation_updated""#;

/// `pilito-box bench refresh …`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Conversations in the generated workspace.
    #[arg(long, default_value_t = 10_000)]
    pub conversations: usize,
    /// Messages in the generated workspace.
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: usize,
    /// Conversation-list sockets.
    #[arg(long, default_value_t = 100)]
    pub lists: usize,
    /// Timed `get_conversations` round trips (spread over the list sockets).
    #[arg(long, default_value_t = 500)]
    pub requests: usize,
    /// Messages in the burst, spread over 50 conversations.
    #[arg(long, default_value_t = 1_000)]
    pub burst: usize,
    /// Whole runs (fresh server each); the report gives the median and the range.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Exit with an error when a list socket is left stale after the burst.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub rig: super::rig::RigArgs,
}

/// What one list socket has received.
#[derive(Default)]
struct ListSeen {
    lists: u64,
    updates: u64,
    last_list: Option<tungstenite::Utf8Bytes>,
}

type Seen = Arc<Mutex<ListSeen>>;

/// Runs the scenario `runs` times and prints the table.
pub fn run(args: &RefreshArgs) -> anyhow::Result<()> {
    let mut table = Table::new(&[
        "list sockets",
        "page p50 ms",
        "page p99 ms",
        "burst messages",
        "burst ms",
        "list frames per socket (max)",
        "updates per socket (median)",
        "stale sockets",
        "server CPU %",
    ]);
    let mut stale = 0.0;
    for _ in 0..args.runs {
        let cells = super::rig::block_on(&args.rig, storm(args))??;
        stale += cells[7];
        table.add(0, cells);
    }
    println!(
        "list feeds: {} conversations, {} messages, {} conversation-list sockets; median (min–max)",
        args.conversations, args.messages, args.lists
    );
    table.print();
    if args.strict && stale > 0.0 {
        anyhow::bail!("a list socket's last list frame did not show the burst's last message");
    }
    Ok(())
}

async fn storm(args: &RefreshArgs) -> anyhow::Result<Vec<f64>> {
    let size = Size {
        customers: (args.conversations / 5).max(1),
        conversations: args.conversations,
        messages: args.messages,
    };
    let rig = Rig::start_with(&args.rig, 50, 50, Some(size)).await?;
    let tokens = &rig.workspace.tokens;
    let mut lists = Vec::with_capacity(args.lists);
    for n in 0..args.lists {
        let ws = client::open(
            rig.addr(),
            client::source(n),
            "/ws/conversations/",
            &tokens[n % tokens.len()],
        )
        .await?;
        let (sink, stream) = ws.split();
        let seen = Seen::default();
        let (count_tx, count_rx) = watch::channel(0_u64);
        tokio::spawn(read_list(stream, Arc::clone(&seen), count_tx));
        lists.push((sink, seen, count_rx));
    }
    let settle = Duration::from_millis(600);
    tokio::time::sleep(settle).await;
    let pages = time_pages(&mut lists, args.requests).await?;
    let echoed = Arc::new(AtomicU64::new(0));
    let mut senders = Vec::new();
    for (r, room) in rig.workspace.rooms.iter().enumerate() {
        let path = format!("/ws/chat/{room}/");
        let ws = client::open(
            rig.addr(),
            client::source(args.lists + r),
            &path,
            &tokens[r],
        )
        .await?;
        let (sink, stream) = ws.split();
        tokio::spawn(count_echoes(stream, Arc::clone(&echoed)));
        senders.push((room.clone(), sink));
    }
    tokio::time::sleep(settle).await;
    let before: Vec<(u64, u64)> = lists
        .iter()
        .map(|(_, seen, _)| {
            let s = lock(seen);
            (s.lists, s.updates)
        })
        .collect();
    let cpu = rig.cpu_mark();
    let last = burst(&mut senders, args.burst).await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let burst_count = u64::try_from(args.burst).unwrap_or(u64::MAX);
    while echoed.load(Ordering::Relaxed) < burst_count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let burst_took = cpu.wall();
    tokio::time::sleep(pilito_box::ws::lists::REFRESH_EVERY * 6).await;
    let used = cpu.finish(&rig);
    let (mut most_lists, mut updates, mut stale) = (0, Vec::new(), 0_u64);
    for ((_, seen, _), (lists0, updates0)) in lists.iter().zip(before) {
        let s = lock(seen);
        most_lists = most_lists.max(s.lists - lists0);
        updates.push(s.updates - updates0);
        let fresh = s
            .last_list
            .as_deref()
            .is_some_and(|frame| up_to_date(frame, &last));
        stale += u64::from(!fresh);
    }
    updates.sort_unstable();
    #[allow(clippy::cast_precision_loss)]
    let count = |n: u64| n as f64;
    #[allow(clippy::cast_precision_loss)]
    Ok(vec![
        args.lists as f64,
        percentile_ms(&pages, 50),
        percentile_ms(&pages, 99),
        count(echoed.load(Ordering::Relaxed)),
        burst_took.as_secs_f64() * 1000.0,
        count(most_lists),
        count(updates.get(updates.len() / 2).copied().unwrap_or(0)),
        count(stale),
        used.server_pct,
    ])
}

type Sink = SplitSink<Socket, Message>;

/// `get_conversations` round trips, one socket after another; microseconds, sorted.
async fn time_pages(
    lists: &mut [(Sink, Seen, watch::Receiver<u64>)],
    requests: usize,
) -> anyhow::Result<Vec<u32>> {
    let mut took = Vec::with_capacity(requests);
    for i in 0..requests {
        let (sink, _, count) = &mut lists[i % lists.len()];
        count.borrow_and_update();
        let started = Instant::now();
        sink.send(Message::text(r#"{"type":"get_conversations"}"#))
            .await?;
        tokio::time::timeout(Duration::from_secs(10), count.changed()).await??;
        took.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
    }
    took.sort_unstable();
    Ok(took)
}

/// Sends `n` messages round robin over the senders' conversations at once; returns each
/// conversation's last message (a socket's messages are stored in the order it sent them).
async fn burst(
    senders: &mut [(String, Sink)],
    n: usize,
) -> anyhow::Result<HashMap<String, String>> {
    let mut last = HashMap::new();
    for i in 0..n {
        let (room, sink) = &mut senders[i % senders.len()];
        let content = format!("burst-{i}");
        sink.feed(Message::text(format!(r#"{{"content":"{content}"}}"#)))
            .await?;
        last.insert(room.clone(), content);
    }
    for (_, sink) in senders {
        sink.flush().await?;
    }
    Ok(last)
}

/// Whether a list frame is up to date after the burst: a burst conversation on top, and every
/// burst conversation it shows with that conversation's last message.
fn up_to_date(frame: &str, last: &HashMap<String, String>) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(frame) else {
        return false;
    };
    let Some(conversations) = v["conversations"].as_array() else {
        return false;
    };
    let burst_on_top = conversations
        .first()
        .and_then(|c| c["id"].as_str())
        .is_some_and(|id| last.contains_key(id));
    burst_on_top
        && conversations.iter().all(|c| {
            c["id"]
                .as_str()
                .and_then(|id| last.get(id))
                .is_none_or(|content| {
                    c["last_message"]["content"].as_str() == Some(content.as_str())
                })
        })
}

async fn read_list(mut stream: SplitStream<Socket>, seen: Seen, count: watch::Sender<u64>) {
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(frame) = message else {
            continue;
        };
        let mut s = lock(&seen);
        if frame.starts_with(LIST_FRAME) {
            s.lists += 1;
            s.last_list = Some(frame);
            count.send_replace(s.lists);
        } else if frame.starts_with(UPDATE_FRAME) {
            s.updates += 1;
        }
    }
}

async fn count_echoes(mut stream: SplitStream<Socket>, echoed: Arc<AtomicU64>) {
    while let Some(Ok(message)) = stream.next().await {
        if let Message::Text(frame) = message
            && chat_content(&frame).is_some_and(|c| c.starts_with("burst-"))
        {
            echoed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_up_to_date_when_it_shows_each_conversations_last_message() {
        let last: HashMap<String, String> = [("a", "burst-9"), ("b", "burst-8")]
            .map(|(k, v)| (k.into(), v.into()))
            .into();
        let frame = |a: &str, b: &str| {
            format!(
                r#"{{"conversations":[{{"id":"a","last_message":{{"content":"{a}"}}}},{{"id":"b","last_message":{{"content":"{b}"}}}},{{"id":"old","last_message":null}}]}}"#
            )
        };
        assert!(up_to_date(&frame("burst-9", "burst-8"), &last));
        assert!(!up_to_date(&frame("burst-9", "burst-6"), &last));
        assert!(!up_to_date(r#"{"conversations":[{"id":"old"}]}"#, &last));
        assert!(!up_to_date("not json", &last));
    }
}
