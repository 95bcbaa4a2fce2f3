//! Wire types only: what clients send, what the server sends, and the codes both sides agree on.
//!
//! Nothing here does I/O. Client frames are decoded once at the edge ([`client`]); server frames
//! are serialized once into a shared [`Frame`] however many sockets receive them ([`server`]).

pub mod client;
pub mod codes;
pub mod counts;
pub mod filters;
pub mod invites;
pub mod lists;
pub mod pagination;
pub mod preferences;
pub mod replies;
pub mod rest;
pub mod rules;
pub mod server;
pub mod setup;
pub mod views;

pub use crate::hub::Frame;
