//! Integration tests: each starts the real server on port 0 with a temporary data folder and
//! talks to it with real WebSocket and HTTP clients.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

mod chat;
