//! Bounded fuzzing on the stable toolchain, through the same harness as the cargo-fuzz targets:
//! every corpus and regression input of `tests/fuzz/`, then seeded random mutations of them.
//! A failure prints the input; keep it under `tests/fuzz/regressions/<target>/` with the fix.

use std::path::Path;

use pilito_box::storage::users::Role;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::common::spawn_app;

#[path = "fuzz/harness.rs"]
mod harness;

/// Client frames mutated per run.
const FRAME_MUTATIONS: usize = 30_000;
/// REST bodies mutated per run.
const BODY_MUTATIONS: usize = 3_000;

/// Fragments that tend to break JSON handling.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "-1",
    "0",
    "1e999",
    "-9223372036854775809",
    "18446744073709551616",
    "\"\"",
    "\\u0000",
    "\\ud800",
    "0.5",
    "\"type\"",
    "\"filters\"",
    "\"page\"",
    "\"page_size\"",
    "\"date_to\"",
    "\"9999-12-31\"",
    "\"0000-01-01\"",
    "\"+262143-12-31T23:59:59Z\"",
    "\"content\"",
    "\"search\"",
    "%",
    "&",
    "=",
    "page_size=",
    "page=",
    "date_to=",
    "offset=",
];

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut all = Vec::new();
    for kind in ["corpus", "regressions"] {
        let Ok(dir) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        let mut files: Vec<_> = dir.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files
            .iter()
            .filter(|f| f.extension().is_none_or(|e| e != "md"))
        {
            all.push(std::fs::read(file).unwrap());
        }
    }
    assert!(!all.is_empty(), "no inputs for {target}");
    all
}

/// One random edit of `seed`, sometimes spliced with `other`.
fn mutate(rng: &mut StdRng, seed: &[u8], other: &[u8], keep_first: bool) -> Vec<u8> {
    let mut data = seed.to_vec();
    let start = usize::from(keep_first);
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(start..=data.len().max(start));
        match rng.random_range(0..6) {
            0 if at < data.len() => data[at] = rng.random(),
            1 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                data.splice(at..at, token.bytes());
            }
            2 if at < data.len() => {
                let end = rng.random_range(at..=data.len());
                data.drain(at..end);
            }
            3 if at < data.len() => {
                let end = rng.random_range(at..=data.len().min(at + 64));
                let copy = data[at..end].to_vec();
                data.splice(at..at, copy.iter().copied().cycle().take(copy.len() * 8));
            }
            4 if !other.is_empty() => {
                let from = rng.random_range(0..other.len());
                let tail = other[from..].to_vec();
                data.truncate(at);
                data.extend(tail);
            }
            _ => data.insert(at.min(data.len()), rng.random()),
        }
    }
    data
}

#[test]
fn client_frames_decode_or_are_refused_without_panicking() {
    let seeds = inputs("client_frame");
    for input in &seeds {
        harness::client_frame(input);
    }
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..FRAME_MUTATIONS {
        let seed = &seeds[rng.random_range(0..seeds.len())];
        let other = &seeds[rng.random_range(0..seeds.len())];
        let input = mutate(&mut rng, seed, other, false);
        let result = std::panic::catch_unwind(|| harness::client_frame(&input));
        assert!(
            result.is_ok(),
            "client frame input {:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

#[tokio::test]
async fn rest_bodies_get_a_clear_refusal_and_never_a_server_error() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let (agent, _) = app.agent("sara").await;
    let conversation = app.conversation("Fuzzy Customer").await;
    let customer: i64 = app
        .state
        .store
        .read(|c| Ok(c.query_row("SELECT min(id) FROM customers", [], |r| r.get(0))?))
        .await
        .unwrap();
    let rest = harness::Rest {
        routes: pilito_box::server::routes(&app.state),
        admin: app.token(admin.id).await,
        conversation,
        agent: agent.id,
        customer,
    };
    let seeds = inputs("rest_body");
    for input in &seeds {
        rest.request(input).await;
    }
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..BODY_MUTATIONS {
        let seed = &seeds[rng.random_range(0..seeds.len())];
        let other = &seeds[rng.random_range(0..seeds.len())];
        let input = mutate(&mut rng, seed, other, true);
        rest.request(&input).await;
    }
}
