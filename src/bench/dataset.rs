//! A generated workspace of a chosen size, written with the real schema in bulk transactions,
//! with the denormalized conversation columns computed the way the writer keeps them; then the search
//! index built by the store's own writer, as after an upgrade.

use std::path::Path;
use std::time::Instant;

use rand::RngExt;
use rusqlite::{Connection, params};

use pilito_box::config::StorageConfig;
use pilito_box::ids;
use pilito_box::storage::{Store, search};

/// How big a workspace to generate.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Customers.
    pub customers: usize,
    /// Conversations (spread over the customers).
    pub conversations: usize,
    /// Messages (spread over the conversations).
    pub messages: usize,
}

/// The word a fraction of messages contain, for the search benchmark.
pub const NEEDLE: &str = "refund";

/// A Persian word as rare as [`NEEDLE`], searched in Persian letters; half the messages that
/// contain it spell it with Arabic letters ([`NEEDLE_FA_ARABIC`]).
pub const NEEDLE_FA: &str = "کیفیت";

/// [`NEEDLE_FA`] as an Arabic keyboard types it (ي and ك), with a tatweel.
pub const NEEDLE_FA_ARABIC: &str = "كيفـيت";

const WORDS: &[&str] = &[
    "hello",
    "price",
    "order",
    "delivery",
    "thanks",
    "tomorrow",
    "سلام",
    "قیمت",
    "سفارش",
    "ارسال",
    "ممنون",
    "please",
    "size",
    "color",
    "available",
    "Istanbul",
    "Tehran",
    "today",
];
const SOURCES: &[&str] = &["telegram", "instagram", "unknown"];
const STATUSES: &[&str] = &["active", "support_active", "marketing_active", "closed"];

/// Creates the workspace's database at `path` and fills it; returns how long filling took.
pub async fn generate(path: &Path, size: Size) -> anyhow::Result<f64> {
    let store = Store::open(path, &StorageConfig::default())?;
    store.shutdown().await;
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    fill(&tx, size)?;
    tx.commit()?;
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(started.elapsed().as_secs_f64())
}

/// Opens the workspace as the server does and waits until its writer has indexed every row for
/// search; returns how long that took.
pub async fn index(path: &Path) -> anyhow::Result<f64> {
    let started = Instant::now();
    let store = Store::open(path, &StorageConfig::default())?;
    while store.read(search::backlog).await? > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let took = started.elapsed().as_secs_f64();
    store.shutdown().await;
    Ok(took)
}

fn fill(c: &Connection, size: Size) -> rusqlite::Result<()> {
    let mut rng = rand::rng();
    let year = 365 * 86_400_i64;
    let base = chrono::Utc::now().timestamp() - year;
    let at = |offset: i64| {
        let t = chrono::DateTime::from_timestamp(base + offset, 0).unwrap_or_default();
        pilito_box::clock::to_db(t)
    };
    c.execute("INSERT INTO tags (name) VALUES ('VIP'), ('wholesale')", [])?;
    let mut customer = c.prepare(
        "INSERT INTO customers (first_name, last_name, username, email, source, source_id, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?;
    for i in 0..size.customers {
        let email = (i % 3 == 0).then(|| format!("c{i}@example.test"));
        let created = at(rng.random_range(0..year));
        customer.execute(params![
            format!("Customer{i}"),
            WORDS[i % WORDS.len()],
            format!("user{i}"),
            email,
            SOURCES[i % SOURCES.len()],
            format!("b{i}"),
            created
        ])?;
        if i % 10 == 0 {
            c.execute(
                "INSERT INTO customer_tags (customer_id, tag_id) VALUES (?1, 1)",
                [c.last_insert_rowid()],
            )?;
        }
    }
    let mut conversation = c.prepare(
        "INSERT INTO conversations (id, customer_id, title, status, source, priority, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?;
    let mut conversation_ids = Vec::with_capacity(size.conversations);
    for i in 0..size.conversations {
        let id = ids::public_id();
        let customer_id = i64::try_from(i % size.customers.max(1) + 1).unwrap_or(1);
        let source = SOURCES[usize::try_from(customer_id).unwrap_or(0) % SOURCES.len()];
        conversation.execute(params![
            id,
            customer_id,
            format!("{source} - Customer{}", customer_id - 1),
            STATUSES[i % STATUSES.len()],
            source,
            i64::try_from(i % 3).unwrap_or(0),
            at(rng.random_range(0..year / 2))
        ])?;
        conversation_ids.push((id, customer_id));
    }
    let mut message = c.prepare(
        "INSERT INTO messages (id, conversation_id, customer_id, type, content, is_answered, \
         created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let per = size.messages / size.conversations.max(1);
    for (n, (conversation, customer_id)) in conversation_ids.iter().enumerate() {
        let mut t = year / 2 + rng.random_range(0..year / 4);
        let unread_tail = if n % 3 == 0 { 2 } else { 0 };
        for k in 0..per {
            t += rng.random_range(1..600);
            let from_customer = k % 2 == 0 || k + unread_tail >= per;
            let mut text: Vec<&str> = (0..rng.random_range(3..12))
                .map(|_| WORDS[rng.random_range(0..WORDS.len())])
                .collect();
            match rng.random_range(0..2000) {
                0 | 1 => text.push(NEEDLE),
                2 => text.push(NEEDLE_FA),
                3 => text.push(NEEDLE_FA_ARABIC),
                _ => {}
            }
            message.execute(params![
                ids::public_id(),
                conversation,
                customer_id,
                if from_customer { "customer" } else { "support" },
                text.join(" "),
                k + unread_tail < per,
                at(t)
            ])?;
        }
    }
    c.execute_batch(
        "UPDATE conversations SET
           last_message_seq = (SELECT max(seq) FROM messages m WHERE m.conversation_id = conversations.id),
           unread_count = (SELECT count(*) FROM messages m WHERE m.conversation_id = conversations.id
                           AND m.type = 'customer' AND m.is_answered = 0);
         UPDATE conversations SET updated_at = coalesce(
           (SELECT created_at FROM messages m WHERE m.seq = conversations.last_message_seq), updated_at);",
    )
}
