//! `pilito-box bench telegram`: the Telegram channel against a stand-in Bot API on loopback
//! (the `getUpdates`/`sendMessage` answers of the public documentation). Two figures: inbound
//! updates per second the poller stores and publishes, with nothing lost; and the outbox through
//! an outage (Telegram answering 502 to everything): replies queued, then the time to drain them
//! once it answers again, and whether any went out twice.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Value, json};
use warp::Filter;
use warp::http::StatusCode;
use warp::reply::Reply;

use super::client;
use super::target::{Launch, Target};

const TOKEN: &str = "777000:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ";

/// `pilito-box bench telegram …`.
#[derive(Debug, Args)]
pub struct TelegramArgs {
    /// Inbound updates (text messages) queued at once.
    #[arg(long, default_value_t = 20_000)]
    pub updates: usize,
    /// Private chats they come from.
    #[arg(long, default_value_t = 500)]
    pub chats: usize,
    /// Seconds Telegram answers nothing but 502.
    #[arg(long, default_value_t = 600)]
    pub outage_secs: u64,
    /// Replies agents write per second during the outage.
    #[arg(long, default_value_t = 5)]
    pub replies_per_sec: u64,
}

#[derive(Default)]
struct Stand {
    updates: Vec<Value>,
    highest_offset: i64,
    sent: Vec<String>,
}

#[derive(Clone, Default)]
struct StandIn {
    state: Arc<Mutex<Stand>>,
    down: Arc<AtomicBool>,
}

fn ok(result: &Value) -> warp::reply::Response {
    warp::reply::json(&json!({"ok": true, "result": result})).into_response()
}

impl StandIn {
    fn with<T>(&self, f: impl FnOnce(&mut Stand) -> T) -> T {
        f(&mut self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    async fn answer(&self, method: &str, body: &[u8]) -> warp::reply::Response {
        if self.down.load(Ordering::Relaxed) {
            return warp::reply::with_status("bad gateway", StatusCode::BAD_GATEWAY)
                .into_response();
        }
        let params: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match method {
            "getMe" => ok(&json!({"id": 777_000, "is_bot": true, "first_name": "Bench"})),
            "getUpdates" => {
                let offset = params["offset"].as_i64().unwrap_or(0);
                let batch: Vec<Value> = self.with(|s| {
                    s.highest_offset = s.highest_offset.max(offset);
                    s.updates
                        .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                    s.updates.iter().take(100).cloned().collect()
                });
                if batch.is_empty() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                ok(&Value::Array(batch))
            }
            "sendMessage" => {
                let text = params["text"].as_str().unwrap_or_default().to_owned();
                let id = self.with(|s| {
                    s.sent.push(text);
                    s.sent.len()
                });
                ok(&json!({"message_id": id, "date": 1, "chat": {"id": params["chat_id"]}}))
            }
            _ => ok(&Value::Bool(true)),
        }
    }
}

async fn serve(stand: StandIn) -> anyhow::Result<String> {
    let route = warp::path::tail().and(warp::body::bytes()).then(
        move |tail: warp::path::Tail, body: bytes::Bytes| {
            let stand = stand.clone();
            async move {
                let method = tail
                    .as_str()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                stand.answer(&method, &body).await
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(warp::serve(route).incoming(listener).run());
    Ok(format!("http://{addr}"))
}

/// Runs both phases and prints their figures.
pub fn run(args: &TelegramArgs) -> anyhow::Result<()> {
    // This client speaks plain HTTP, but reqwest builds a TLS config anyway, and the product
    // builds it without a default crypto provider (ring is handed in where it is used).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(phases(args))
}

async fn wait_for(
    what: &str,
    limit: Duration,
    mut done: impl FnMut() -> bool,
) -> anyhow::Result<Duration> {
    let start = Instant::now();
    while !done() {
        anyhow::ensure!(start.elapsed() < limit, "{what}: not done after {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(start.elapsed())
}

async fn phases(args: &TelegramArgs) -> anyhow::Result<()> {
    let stand = StandIn::default();
    let url = serve(stand.clone()).await?;
    let dir = tempfile::Builder::new().prefix("pilito-bench-").tempdir()?;
    let env = [
        ("PILITO_BOX_TELEGRAM__BOT_TOKEN", TOKEN.to_owned()),
        ("PILITO_BOX_TELEGRAM__API_URL", url),
        ("PILITO_BOX_TELEGRAM__POLL_TIMEOUT_SECS", "1".to_owned()),
        (
            "PILITO_BOX_LIMITS__REST_WRITES_PER_SECOND",
            "1000".to_owned(),
        ),
        ("PILITO_BOX_LIMITS__REST_WRITE_BURST", "1000".to_owned()),
    ];
    let target = Target::launch(
        dir.path(),
        &Launch {
            env: &env,
            ..Launch::default()
        },
    )?;
    let workspace = target.workspace(1, 0).await?;
    let token = workspace.tokens[0].clone();
    let mut list =
        client::open(target.addr, client::source(0), "/ws/conversations/", &token).await?;
    let published = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = published.clone();
    tokio::spawn(async move {
        while let Ok(frame) = client::next_text(&mut list).await {
            if frame.contains("\"new_customer_message\"") {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });

    inbound(&stand, &target, args, &published).await?;
    outage(&stand, &target, &token, args).await?;
    target.stop()
}

async fn inbound(
    stand: &StandIn,
    target: &Target,
    args: &TelegramArgs,
    published: &std::sync::atomic::AtomicU64,
) -> anyhow::Result<()> {
    let n = args.updates;
    stand.with(|s| {
        for i in 1..=n {
            let chat = 10_000 + (i % args.chats.max(1));
            s.updates.push(json!({"update_id": i, "message": {
                "message_id": i, "date": 1, "text": format!("update {i}"),
                "chat": {"id": chat, "type": "private", "first_name": "Bench"},
                "from": {"id": chat, "is_bot": false, "first_name": "Bench"}}}));
        }
    });
    let next_offset = i64::try_from(n)? + 1;
    let took = wait_for("inbound", Duration::from_secs(600), || {
        stand.with(|s| s.highest_offset >= next_offset)
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stored = target.stored_messages().await?;
    println!("inbound: {n} updates from {} chats", args.chats);
    println!(
        "  stored and confirmed in {:.2} s = {:.0} updates/s; {stored} messages stored ({} lost, {} doubled); {} new_customer_message frames on an open list socket",
        took.as_secs_f64(),
        f64::from(u32::try_from(n)?) / took.as_secs_f64(),
        (i64::try_from(n)? - stored).max(0),
        (stored - i64::try_from(n)?).max(0),
        published.load(Ordering::Relaxed),
    );
    Ok(())
}

async fn outage(
    stand: &StandIn,
    target: &Target,
    token: &str,
    args: &TelegramArgs,
) -> anyhow::Result<()> {
    let conversations: Vec<String> = {
        let http = reqwest::Client::builder().build()?;
        let page: Value = http
            .get(format!(
                "http://{}/api/v1/message/user-conversation-full?page_size=500",
                target.addr
            ))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        page["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    anyhow::ensure!(!conversations.is_empty(), "no conversations to reply in");
    stand.down.store(true, Ordering::Relaxed);
    let http = reqwest::Client::builder().build()?;
    let outage = Duration::from_secs(args.outage_secs);
    let every = Duration::from_micros(1_000_000 / args.replies_per_sec.max(1));
    let started = Instant::now();
    let mut written = 0_usize;
    while started.elapsed() < outage {
        let conv = &conversations[written % conversations.len()];
        let r = http
            .post(format!(
                "http://{}/api/v1/message/conversation/{conv}/send-message/",
                target.addr
            ))
            .bearer_auth(token)
            .json(&json!({"content": format!("reply {written}")}))
            .send()
            .await?;
        anyhow::ensure!(
            r.status().as_u16() == 201,
            "a reply was refused: {}",
            r.status()
        );
        written += 1;
        tokio::time::sleep(every).await;
    }
    stand.down.store(false, Ordering::Relaxed);
    let drained = wait_for("drain", Duration::from_secs(3600), || {
        stand.with(|s| s.sent.len() >= written)
    })
    .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = stand.with(|s| s.sent.clone());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for t in &sent {
        *seen.entry(t.as_str()).or_default() += 1;
    }
    let doubled = seen.values().filter(|n| **n > 1).count();
    println!(
        "outage: {} s of 502s, {written} replies queued ({} per second) in {} conversations",
        args.outage_secs,
        args.replies_per_sec,
        conversations.len().min(written)
    );
    println!(
        "  all out {:.1} s after Telegram answered again ({:.0} replies/s); {} sent, {doubled} twice, {} lost",
        drained.as_secs_f64(),
        f64::from(u32::try_from(written)?) / drained.as_secs_f64().max(0.001),
        sent.len(),
        written.saturating_sub(seen.len()),
    );
    Ok(())
}
