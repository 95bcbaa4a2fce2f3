//! The search part of `pilito-box bench lists`: each term through the trigram index (the
//! storage queries the lists and REST run) beside the `LIKE` scan the lists ran before
//! migration 0004, on the same workspace, with how many rows each found.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::dataset::{NEEDLE, NEEDLE_FA};
use super::{Summary, ms};
use pilito_box::storage::PageRequest;
use pilito_box::storage::conversation_list::{self, ConversationQuery};
use pilito_box::storage::history::{self, MessageQuery};

/// The most time one row of the table spends on its runs (a `LIKE` scan takes seconds).
const BUDGET: Duration = Duration::from_secs(20);

/// The conversation list's search condition before the index, as it was in `conversation_list`.
const LIKE_CONVERSATIONS: &str = "c.title LIKE ?1 ESCAPE '\\' OR c.customer_id IN \
    (SELECT id FROM customers WHERE first_name LIKE ?1 ESCAPE '\\' OR last_name LIKE ?1 \
    ESCAPE '\\' OR username LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\') OR c.id IN \
    (SELECT conversation_id FROM messages WHERE content LIKE ?1 ESCAPE '\\')";

/// Terms and what they stand for.
fn terms() -> [(&'static str, &'static str); 4] {
    [
        (NEEDLE, "1 message in 1,000"),
        (NEEDLE_FA, "1 in 2,000, half spelled with Arabic letters"),
        ("سفارش", "in a third of the messages"),
        ("سف", "two letters: the newest 20,000 messages"),
    ]
}

/// Times `f` up to `runs` times (at least 5, and within [`BUDGET`] after that); returns the
/// summary and the count the last run found.
fn time(runs: usize, mut f: impl FnMut() -> anyhow::Result<i64>) -> anyhow::Result<(Summary, i64)> {
    let mut found = f()?;
    let started = Instant::now();
    let mut samples = Vec::with_capacity(runs);
    while samples.len() < runs.max(5) && (samples.len() < 5 || started.elapsed() < BUDGET) {
        let at = Instant::now();
        found = f()?;
        samples.push(at.elapsed());
    }
    Ok((Summary::of(samples), found))
}

fn like_conversations(conn: &Connection, term: &str) -> anyhow::Result<i64> {
    let pattern = format!("%{term}%");
    let page = format!(
        "SELECT c.id FROM conversations c WHERE {LIKE_CONVERSATIONS} \
         ORDER BY c.updated_at DESC, c.id LIMIT 10"
    );
    let ids: Vec<String> = conn
        .prepare_cached(&page)?
        .query_map([&pattern], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    std::hint::black_box(ids);
    let count = format!("SELECT count(*) FROM conversations c WHERE {LIKE_CONVERSATIONS}");
    Ok(conn
        .prepare_cached(&count)?
        .query_row([&pattern], |r| r.get(0))?)
}

fn like_messages(conn: &Connection, term: &str) -> anyhow::Result<i64> {
    let pattern = format!("%{term}%");
    let rows: Vec<i64> = conn
        .prepare_cached(
            "SELECT seq FROM messages WHERE content LIKE ?1 ESCAPE '\\' \
             ORDER BY seq DESC LIMIT 10",
        )?
        .query_map([&pattern], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    std::hint::black_box(rows);
    Ok(conn
        .prepare_cached("SELECT count(*) FROM messages WHERE content LIKE ?1 ESCAPE '\\'")?
        .query_row([&pattern], |r| r.get(0))?)
}

fn indexed_conversations(conn: &Connection, term: &str) -> anyhow::Result<i64> {
    let query = ConversationQuery {
        search: Some(term.to_owned()),
        ..ConversationQuery::default()
    };
    let (rows, count) = conversation_list::page(conn, &query, PageRequest::first(10))?;
    std::hint::black_box(rows);
    Ok(count)
}

fn indexed_messages(conn: &Connection, term: &str) -> anyhow::Result<i64> {
    let query = MessageQuery {
        search: Some(term.to_owned()),
        newest_first: true,
        ..MessageQuery::default()
    };
    let (rows, count) = history::search(conn, &query, PageRequest::first(10))?;
    std::hint::black_box(rows);
    Ok(count)
}

type Search = fn(&Connection, &str) -> anyhow::Result<i64>;

/// Prints the table: every term, on the conversation list and on REST `user-messages`.
pub fn run(conn: &Connection, iterations: usize) -> anyhow::Result<()> {
    println!(
        "\n| search | term | LIKE median ms | LIKE p99 ms | LIKE found | index median ms | \
         index p99 ms | index found |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let lists: [(&str, Search, Search); 2] = [
        ("conversations", like_conversations, indexed_conversations),
        ("user-messages", like_messages, indexed_messages),
    ];
    for (list, like, indexed) in lists {
        for (term, what) in terms() {
            let (before, found_before) = time(iterations / 10, || like(conn, term))?;
            let (after, found_after) = time(iterations, || indexed(conn, term))?;
            println!(
                "| {list} | «{term}» ({what}) | {} | {} | {found_before} | {} | {} | {found_after} |",
                ms(before.median),
                ms(before.p99),
                ms(after.median),
                ms(after.p99)
            );
        }
    }
    Ok(())
}
