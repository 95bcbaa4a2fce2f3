//! The Telegram bot: long polling for customers' messages ([`poll`]), what an update becomes
//! ([`update`]), and sending replies ([`send`]) through the Bot API ([`api`]).

pub mod api;
pub mod poll;
pub mod send;
pub mod update;
