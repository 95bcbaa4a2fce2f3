//! Measured promises: how fast the server stays for well-behaved clients while others stall,
//! flood, storm the handshake or merely sit idle by the ten thousand. Each test drives the built
//! binary in its own process and prints what it measured; the tests run one at a time (and
//! cargo runs this target after the others), so no other test competes for the two cores.
//! The bounds they assert are generous on purpose: they catch a server that stalls, not noise.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    clippy::cast_precision_loss
)]

#[path = "../common/mod.rs"]
mod common;

mod bench;
mod flood;
mod handshakes;
mod idle;
mod logins;
mod probe;
mod stall;

use std::future::Future;
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs a measurement alone, on its own multi-threaded runtime.
pub fn measured<F: Future<Output = ()>>(test: F) {
    let _alone = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // reqwest has no crypto provider of its own (see `common::http_builder`).
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(test);
}
