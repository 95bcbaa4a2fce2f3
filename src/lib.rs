//! pilito-box: the Pilito real-time inbox as one self-contained server.
//!
//! [`server::App`] is the seam: the binary and the integration tests both open a workspace and
//! serve it through it, on a listener they bound and with a shutdown signal they own.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod auth;
pub mod background;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod config;
pub mod control;
pub mod edge;
pub mod files;
pub mod gate;
pub mod http;
pub mod hub;
pub mod ids;
pub mod inbox;
pub mod instance;
pub mod listener;
pub mod lists;
pub mod logging;
pub mod mdns;
pub mod media;
pub mod metrics;
pub mod onboarding;
pub mod presence;
pub mod protocol;
pub mod server;
pub mod state;
pub mod storage;
pub mod tls;
#[cfg(any(feature = "tray", windows, target_os = "macos"))]
pub mod tray;
pub mod web;
pub mod ws;
