//! `pilito-box bench fanout`: chat messages at fixed offered rates into R conversations of S
//! sockets each. Every socket both sends (round robin within its room) and receives; each
//! receiver checks that every message of its room arrives exactly once and in each sender's
//! order, and times it from send to receipt (the content carries the send time). Durable: the
//! server commits every message to `SQLite` before it broadcasts it, and the stored count is
//! checked at the end.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tungstenite::Message;

use super::client::{self, Socket, chat_content};
use super::lock;
use super::report::{Table, per_sec, percentile_ms};
use super::rig::{CpuUse, Rig};

/// `pilito-box bench fanout …`.
#[derive(Debug, Args)]
pub struct FanoutArgs {
    /// Conversations.
    #[arg(long, default_value_t = 50)]
    pub rooms: usize,
    /// Sockets in each conversation (each one receives).
    #[arg(long, default_value_t = 10)]
    pub per_room: usize,
    /// Sockets of each conversation that send, from socket 0 up (default: every one); with 1,
    /// one agent or integration talks into each conversation and the others only listen.
    #[arg(long)]
    pub senders_per_room: Option<usize>,
    /// Offered messages per second, one step each.
    #[arg(long, value_delimiter = ',', default_value = "1000,2500,5000,10000")]
    pub rates: Vec<u32>,
    /// Seconds per step.
    #[arg(long, default_value_t = 10.0)]
    pub secs: f64,
    /// Whole runs (fresh server each); the report gives the median and the range.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Exit with an error when any message is lost, doubled or out of order.
    #[arg(long)]
    pub strict: bool,
    /// Conversation-list sockets held open beside the chat sockets (agents' inboxes, each
    /// refreshed by the messages), one agent each.
    #[arg(long, default_value_t = 0)]
    pub lists: usize,
    #[command(flatten)]
    pub rig: super::rig::RigArgs,
}

/// What one receiver saw in the current step.
#[derive(Default)]
struct Seen {
    step: u32,
    latencies_us: Vec<u32>,
    /// `[sender][seq]`: received already.
    got: Vec<Vec<bool>>,
    /// Highest seq seen per sender.
    last: Vec<Option<u64>>,
    received: u64,
    duplicated: u64,
    out_of_order: u64,
    errors: u64,
}

type Shared = Arc<Mutex<Seen>>;

type Sink = SplitSink<Socket, Message>;

/// Runs the ladder `runs` times and prints the table.
pub fn run(args: &FanoutArgs) -> anyhow::Result<()> {
    let mut table = Table::new(&[
        "offered msg/s",
        "sent msg/s",
        "delivered/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "lost",
        "doubled",
        "out of order",
        "server CPU %",
        "generator CPU %",
        "server RSS MiB",
    ]);
    let mut faults = 0.0;
    for _ in 0..args.runs {
        let rows = super::rig::block_on(&args.rig, ladder(args))??;
        for (step, cells) in rows.into_iter().enumerate() {
            faults += cells[7] + cells[8] + cells[9];
            table.add(step, cells);
        }
    }
    println!(
        "fan-out{}: {} conversations × {} sockets, {} sending, {} s per step, {} run(s); median (min–max)",
        if args.rig.ceiling { " (ceiling)" } else { "" },
        args.rooms,
        args.per_room,
        senders(args),
        args.secs,
        args.runs
    );
    table.print();
    if args.strict && faults > 0.0 {
        anyhow::bail!("messages were lost, doubled or out of order");
    }
    Ok(())
}

/// Sockets of each room that send.
fn senders(args: &FanoutArgs) -> usize {
    args.senders_per_room
        .unwrap_or(args.per_room)
        .clamp(1, args.per_room.max(1))
}

/// One run: a fresh server, every socket opened, then each rate in turn.
pub(super) async fn ladder(args: &FanoutArgs) -> anyhow::Result<Vec<Vec<f64>>> {
    let rig = Rig::start(&args.rig, args.per_room.max(args.lists), args.rooms).await?;
    let origin = Instant::now();
    let (mut sinks, mut readers) = (Vec::new(), Vec::new());
    for (r, room) in rig.workspace.rooms.iter().enumerate() {
        let mut room_sinks = Vec::new();
        for s in 0..args.per_room {
            let path = format!("/ws/chat/{room}/");
            let token = &rig.workspace.tokens[s];
            let ws = client::open(
                rig.addr(),
                client::source(r * args.per_room + s),
                &path,
                token,
            )
            .await?;
            let (sink, stream) = ws.split();
            room_sinks.push(sink);
            let seen = Shared::default();
            tokio::spawn(read(stream, Arc::clone(&seen), origin));
            readers.push((r, seen));
        }
        sinks.push(room_sinks);
    }
    let chat_sockets = readers.len();
    for n in 0..args.lists {
        let token = &rig.workspace.tokens[n % rig.workspace.tokens.len()];
        let source = client::source(chat_sockets + n);
        let ws = client::open(rig.addr(), source, "/ws/conversations/", token).await?;
        tokio::spawn(discard(ws));
    }
    let mut rows = Vec::new();
    let mut total_sent = 0;
    for (step, &rate) in (1_u32..).zip(&args.rates) {
        for (_, seen) in &readers {
            *lock(seen) = Seen {
                step,
                got: vec![Vec::new(); args.per_room],
                last: vec![None; args.per_room],
                ..Seen::default()
            };
        }
        let cpu = rig.cpu_mark();
        let sent = offer(&mut sinks, senders(args), rate, args.secs, step, origin).await?;
        let sending = cpu.wall();
        let sent_total: u64 = sent.iter().flatten().sum();
        total_sent += sent_total;
        drain(&readers, &sent).await;
        let used = cpu.finish(&rig);
        let mut cells = row(rate, &readers, &sent, sending, used);
        #[allow(clippy::cast_precision_loss)]
        cells.push(rig.target.rss_kib() as f64 / 1024.0);
        rows.push(cells);
    }
    if args.rig.ceiling {
        return Ok(rows);
    }
    let stored = u64::try_from(rig.target.stored_messages().await?).unwrap_or(0);
    anyhow::ensure!(
        stored == total_sent || !args.strict,
        "sent {total_sent} messages but {stored} are stored"
    );
    if stored != total_sent {
        // Still in the writer's queue when the drain gave up: the table's "lost" says how many
        // were not delivered in time; durability is judged by the stored count.
        eprintln!("sent {total_sent} messages but {stored} are stored at the end of the run");
    }
    Ok(rows)
}

/// Sends at `rate` messages per second for `secs`, evenly: every millisecond the messages due
/// by then, each to the next room in turn from that room's next sending socket (the first
/// `senders` of the room). Returns what each socket sent, `[room][sender]`.
async fn offer(
    sinks: &mut [Vec<Sink>],
    senders: usize,
    rate: u32,
    secs: f64,
    step: u32,
    origin: Instant,
) -> anyhow::Result<Vec<Vec<u64>>> {
    let rooms = sinks.len();
    let mut sent: Vec<Vec<u64>> = sinks.iter().map(|s| vec![0; s.len()]).collect();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let length = Duration::from_secs_f64(secs);
    let mut n: u64 = 0;
    let mut touched = Vec::with_capacity(rooms);
    while started.elapsed() < length {
        tick.tick().await;
        let due = u64::try_from(started.elapsed().as_micros() * u128::from(rate) / 1_000_000)
            .unwrap_or(u64::MAX);
        while n < due {
            let room = usize::try_from(n).unwrap_or(0) % rooms;
            let senders = senders.min(sinks[room].len());
            let sender = usize::try_from(n / rooms as u64).unwrap_or(0) % senders;
            let seq = sent[room][sender];
            let nanos = origin.elapsed().as_nanos();
            let text = format!(r#"{{"content":"b{step}:{room}:{sender}:{seq}:{nanos}"}}"#);
            sinks[room][sender].feed(Message::text(text)).await?;
            sent[room][sender] += 1;
            touched.push((room, sender));
            n += 1;
        }
        for (room, sender) in touched.drain(..) {
            sinks[room][sender].flush().await?;
        }
    }
    Ok(sent)
}

/// Waits until every receiver has every message of its room, or 10 s pass.
async fn drain(readers: &[(usize, Shared)], sent: &[Vec<u64>]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let done = readers
            .iter()
            .all(|(room, seen)| lock(seen).received >= sent[*room].iter().sum::<u64>());
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads and drops a list socket's frames for as long as it lives.
async fn discard(mut ws: Socket) {
    while let Some(Ok(_)) = ws.next().await {}
}

/// Reads one socket's frames for as long as it lives.
async fn read(mut stream: SplitStream<Socket>, seen: Shared, origin: Instant) {
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(frame) = message else {
            continue;
        };
        let now = origin.elapsed().as_nanos();
        let mut s = lock(&seen);
        let Some(content) = chat_content(&frame) else {
            if frame.contains(r#""type":"error""#) {
                s.errors += 1;
            }
            continue;
        };
        let fields: Vec<u128> = content[1..]
            .split(':')
            .filter_map(|f| f.parse().ok())
            .collect();
        let &[step, _room, sender, seq, sent_at] = fields.as_slice() else {
            continue;
        };
        if step != u128::from(s.step) {
            continue;
        }
        let (Ok(sender), Ok(seq)) = (usize::try_from(sender), u64::try_from(seq)) else {
            continue;
        };
        let latency = u32::try_from((now.saturating_sub(sent_at)) / 1000).unwrap_or(u32::MAX);
        record(&mut s, sender, seq, latency);
    }
}

fn record(s: &mut Seen, sender: usize, seq: u64, latency_us: u32) {
    let Some(got) = s.got.get_mut(sender) else {
        return;
    };
    let at = usize::try_from(seq).unwrap_or(usize::MAX);
    if got.len() <= at {
        got.resize(at + 1, false);
    }
    if got[at] {
        s.duplicated += 1;
        return;
    }
    got[at] = true;
    if s.last[sender].is_some_and(|last| seq < last) {
        s.out_of_order += 1;
    }
    s.last[sender] = Some(s.last[sender].map_or(seq, |l| l.max(seq)));
    s.received += 1;
    s.latencies_us.push(latency_us);
}

fn row(
    rate: u32,
    readers: &[(usize, Shared)],
    sent: &[Vec<u64>],
    sending: Duration,
    cpu: CpuUse,
) -> Vec<f64> {
    let mut latencies = Vec::new();
    let (mut received, mut lost, mut doubled, mut disordered) = (0, 0, 0, 0);
    for (room, seen) in readers {
        let s = lock(seen);
        let expected: u64 = sent[*room].iter().sum();
        received += s.received;
        lost += expected.saturating_sub(s.received);
        doubled += s.duplicated;
        disordered += s.out_of_order;
        latencies.extend_from_slice(&s.latencies_us);
    }
    latencies.sort_unstable();
    let sent_total: u64 = sent.iter().flatten().sum();
    #[allow(clippy::cast_precision_loss)]
    let count = |n: u64| n as f64;
    vec![
        f64::from(rate),
        per_sec(sent_total, sending),
        per_sec(received, sending),
        percentile_ms(&latencies, 50),
        percentile_ms(&latencies, 95),
        percentile_ms(&latencies, 99),
        percentile_ms(&latencies, 100),
        count(lost),
        count(doubled),
        count(disordered),
        cpu.server_pct,
        cpu.own_pct,
    ]
}
