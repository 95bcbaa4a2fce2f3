//! Close codes and error codes, each saying what a well-behaved client does next (PROTOCOL §9).

/// WebSocket close codes the server sends.
pub mod close {
    /// Normal close (logout, conversation deleted): do not reconnect.
    pub const NORMAL: u16 = 1000;
    /// Server shutting down or restarting: reconnect with backoff.
    pub const GOING_AWAY: u16 = 1001;
    /// Text frame that is not UTF-8: fix the client.
    pub const INVALID_PAYLOAD: u16 = 1007;
    /// Policy violation (repeated rate-limit abuse): reconnect with backoff.
    pub const POLICY: u16 = 1008;
    /// Frame larger than the limit: fix the client.
    pub const TOO_BIG: u16 = 1009;
    /// Internal error: reconnect with backoff.
    pub const INTERNAL: u16 = 1011;
    /// Too slow or overloaded: reconnect with backoff, then resume with `after_id`.
    pub const TRY_AGAIN_LATER: u16 = 1013;
    /// Authentication error: never reconnect; sign in again.
    pub const AUTH: u16 = 4001;
}

/// `error_code` values of the `authentication_error` frame (PROTOCOL §3.2).
pub mod auth {
    /// No usable credentials, or the user is unknown or deactivated: sign in.
    pub const AUTH_REQUIRED: &str = "AUTH_REQUIRED";
    /// The token is not one this server issued and still honours: sign in.
    pub const INVALID_TOKEN: &str = "INVALID_TOKEN";
    /// The token's lifetime is over: refresh it or sign in.
    pub const EXPIRED_TOKEN: &str = "EXPIRED_TOKEN";
    /// Development mode found no user to fall back to: create one.
    pub const NO_USER_AVAILABLE: &str = "NO_USER_AVAILABLE";
}

/// `error_code` values of refused handshakes and REST errors (PROTOCOL §3.1, §10).
pub mod http {
    /// The client's address is blacklisted: do not retry.
    pub const IP_BLACKLISTED: &str = "IP_BLACKLISTED";
    /// The page's origin may not open sockets here: do not retry.
    pub const ORIGIN_NOT_ALLOWED: &str = "ORIGIN_NOT_ALLOWED";
    /// Too many handshakes from this address: retry after `Retry-After`.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// The server holds its maximum of sockets: retry after `Retry-After`.
    pub const SERVER_BUSY: &str = "SERVER_BUSY";
    /// No such path: do not retry.
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// No such conversation: do not retry.
    pub const CONVERSATION_NOT_FOUND: &str = "CONVERSATION_NOT_FOUND";
    /// The user holds the per-user socket limit: close a tab or retry later.
    pub const TOO_MANY_CONNECTIONS: &str = "TOO_MANY_CONNECTIONS";
}
