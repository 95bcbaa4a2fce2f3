//! Integration tests: each starts the real server on port 0 with a temporary data folder and
//! talks to it with real WebSocket and HTTP clients.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines
)]

mod common;

mod account;
mod auth;
mod backpressure;
mod bad_input;
mod binary;
mod browser;
mod browser_a11y;
mod browser_account;
mod browser_attention;
mod browser_channels;
mod browser_compose;
mod browser_delivery;
mod browser_first_run;
mod browser_invites;
mod browser_keyboard;
mod browser_persian;
mod browser_phones;
mod browser_setup;
mod browser_state;
mod browser_tls;
mod catalogue;
mod chat;
mod connections;
mod crash;
mod desktop;
mod faults;
mod files;
mod fuzzing;
mod installer;
mod invites;
mod invites_log;
mod lan;
mod list_sharing;
mod lists;
mod log_hygiene;
mod media;
mod network;
mod page_security;
mod passwords;
mod permissions;
mod pipelining;
mod preferences;
mod presence;
mod refusals;
mod rest;
mod restart;
mod saved_replies;
mod search;
mod setup;
mod setup_live;
mod setup_owner;
mod startup;
mod state;
mod telegram;
mod tls;
mod tls_cli;
mod tls_limits;
mod token_attacks;
mod tray;
mod webhook;
