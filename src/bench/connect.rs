//! `pilito-box bench connect`: the connect storm and the idle hold. Opens N authenticated chat
//! sockets as fast as the server accepts them (each one counts only once it has read
//! `connection_established` and its snapshot), holds them all idle, measures the server's memory
//! per socket, then sends one message into every conversation and checks that every held socket
//! got its room's message exactly once: a socket that silently died would be caught there.
//! With `--tls` every step runs over plain TCP and then over TLS, on a fresh server each.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::stream::{self, SplitSink};
use futures_util::{SinkExt, StreamExt};
use tungstenite::Message;

use super::client::{self, Socket, chat_content};
use super::report::{Table, per_sec, percentile_ms};
use super::rig::Rig;

/// `pilito-box bench connect …`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Sockets to open and hold, one step each.
    #[arg(long, value_delimiter = ',', default_value = "10000")]
    pub sockets: Vec<usize>,
    /// Handshakes in flight at once.
    #[arg(long, default_value_t = 128)]
    pub concurrency: usize,
    /// Conversations the sockets spread over.
    #[arg(long, default_value_t = 50)]
    pub rooms: usize,
    /// Agents the sockets' tokens belong to.
    #[arg(long, default_value_t = 100)]
    pub agents: usize,
    /// Seconds to hold the sockets idle before measuring memory and checking them.
    #[arg(long, default_value_t = 5.0)]
    pub hold: f64,
    /// Whole runs (fresh server each); the report gives the median and the range.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Exit with an error when a socket fails to open or misses its room's message.
    #[arg(long)]
    pub strict: bool,
    /// Run every step twice, over plain TCP and then over TLS (trusting only the server's
    /// generated authority), so the two sit side by side in one table.
    #[arg(long)]
    pub tls: bool,
    #[command(flatten)]
    pub rig: super::rig::RigArgs,
}

/// Runs each step `runs` times and prints the table.
pub fn run(args: &ConnectArgs) -> anyhow::Result<()> {
    let mut table = Table::new(&[
        "sockets",
        "opened",
        "connects/s",
        "handshake p50 ms",
        "handshake p99 ms",
        "server RSS MiB",
        "KB per idle socket",
        "reached after hold",
        "server CPU %",
        "generator CPU %",
        "TLS",
    ]);
    let mut faults = 0.0;
    let transports: &[bool] = if args.tls { &[false, true] } else { &[false] };
    for _ in 0..args.runs {
        for (step, &sockets) in args.sockets.iter().enumerate() {
            for (t, &tls) in transports.iter().enumerate() {
                let cells = super::rig::block_on(&args.rig, storm(args, sockets, tls))??;
                faults += (cells[0] - cells[1]) + (cells[1] - cells[7]).abs();
                table.add(step * transports.len() + t, cells);
            }
        }
    }
    println!(
        "connect storm and idle hold: chat sockets over {} conversations, {} agents, {} handshakes in flight, {} s hold, {} run(s); median (min–max){}",
        args.rooms,
        args.agents,
        args.concurrency,
        args.hold,
        args.runs,
        if args.tls {
            "; TLS 1 = wss:// (TLS 1.3, a full handshake per socket), 0 = ws://"
        } else {
            ""
        }
    );
    table.print();
    if args.strict && faults > 0.0 {
        anyhow::bail!("sockets failed to open or missed their room's message");
    }
    Ok(())
}

type Sink = SplitSink<Socket, Message>;

/// One step: a fresh server (speaking TLS when `tls`), `sockets` opened, held, measured and
/// checked.
async fn storm(args: &ConnectArgs, sockets: usize, tls: bool) -> anyhow::Result<Vec<f64>> {
    let rig = Rig::start_secure(&args.rig, args.agents.max(1), args.rooms.max(1), tls).await?;
    let rooms = rig.workspace.rooms.len();
    let before_kib = rig.target.rss_kib();
    let cpu = rig.cpu_mark();
    let received = Arc::new(AtomicU64::new(0));
    let opened: Vec<(usize, Sink, Duration)> = stream::iter(0..sockets)
        .map(|n| {
            let (rig, received) = (&rig, Arc::clone(&received));
            async move {
                let room = n % rooms;
                let path = format!("/ws/chat/{}/", rig.workspace.rooms[room]);
                let token = &rig.workspace.tokens[n % rig.workspace.tokens.len()];
                let started = Instant::now();
                let source = client::source(n);
                let ws =
                    client::open_over(rig.addr(), source, &path, token, rig.tls.as_ref()).await;
                let took = started.elapsed();
                ws.ok().map(|ws| {
                    let (sink, stream) = ws.split();
                    tokio::spawn(count_chat_messages(stream, received));
                    (room, sink, took)
                })
            }
        })
        .buffer_unordered(args.concurrency.max(1))
        .filter_map(std::future::ready)
        .collect()
        .await;
    let storm = cpu.wall();
    let used = cpu.finish(&rig);
    tokio::time::sleep(Duration::from_secs_f64(args.hold)).await;
    let after_kib = rig.target.rss_kib();
    let mut handshakes: Vec<u32> = opened
        .iter()
        .map(|(_, _, took)| u32::try_from(took.as_micros()).unwrap_or(u32::MAX))
        .collect();
    handshakes.sort_unstable();
    let (mut sinks, mut per_room) = (Vec::new(), vec![0_u64; rooms]);
    for (room, sink, _) in opened {
        per_room[room] += 1;
        sinks.push((room, sink));
    }
    let reached = probe(&mut sinks, rooms, &per_room, &received).await?;
    #[allow(clippy::cast_precision_loss)]
    let (n, held) = (sockets as f64, sinks.len() as f64);
    #[allow(clippy::cast_precision_loss)]
    let grown_kb = after_kib.saturating_sub(before_kib) as f64 * 1.024;
    #[allow(clippy::cast_precision_loss)]
    let rss_mib = after_kib as f64 / 1024.0;
    Ok(vec![
        n,
        held,
        per_sec(sinks.len() as u64, storm),
        percentile_ms(&handshakes, 50),
        percentile_ms(&handshakes, 99),
        rss_mib,
        grown_kb / held.max(1.0),
        reached,
        used.server_pct,
        used.own_pct,
        f64::from(u8::from(tls)),
    ])
}

/// Sends one message into each room from the first socket held there; returns how many held
/// sockets received their room's message.
async fn probe(
    sinks: &mut [(usize, Sink)],
    rooms: usize,
    per_room: &[u64],
    received: &AtomicU64,
) -> anyhow::Result<f64> {
    let mut sent = vec![false; rooms];
    for (room, sink) in sinks.iter_mut() {
        if !sent[*room] {
            sink.send(Message::text(format!(r#"{{"content":"probe:{room}"}}"#)))
                .await?;
            sent[*room] = true;
        }
    }
    let expected: u64 = per_room.iter().sum();
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    #[allow(clippy::cast_precision_loss)]
    let reached = received.load(Ordering::Relaxed) as f64;
    Ok(reached)
}

/// Counts the probe messages a socket receives (reading also answers the server's pings).
async fn count_chat_messages(
    mut stream: futures_util::stream::SplitStream<Socket>,
    received: Arc<AtomicU64>,
) {
    while let Some(Ok(message)) = stream.next().await {
        if let Message::Text(frame) = message
            && chat_content(&frame).is_some_and(|c| c.starts_with("probe:"))
        {
            received.fetch_add(1, Ordering::Relaxed);
        }
    }
}
