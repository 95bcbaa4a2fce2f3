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

    /// What a close code means, in words for an admin (PROTOCOL §9); 1005 and 1006 are the
    /// codes a close without one and a lost connection are recorded with.
    #[must_use]
    pub fn meaning(code: u16) -> &'static str {
        match code {
            NORMAL => "Normal close (signed out, tab closed, or the conversation was deleted)",
            GOING_AWAY => "Going away (the server restarted, the page was left, or silence)",
            1005 => "Closed without a code",
            1006 => "Connection lost without a close (network, sleep, or a killed tab)",
            INVALID_PAYLOAD => "A text frame was not UTF-8 (a client bug)",
            POLICY => "Too many frames (rate limit)",
            TOO_BIG => "A frame was over the size limit (a client bug)",
            INTERNAL => "Server error",
            TRY_AGAIN_LATER => "Too slow: its queue filled up or a write stalled",
            AUTH => "Authentication failed or ended (expired, signed out, password, disabled)",
            _ => "Other close code",
        }
    }
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

/// `error_code` values of refused handshakes and REST errors (PROTOCOL §3.1, §10). A client
/// fixes its request for every code but the ones that say to retry.
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
    /// The endpoint speaks WebSocket only: open it as a socket.
    pub const UPGRADE_REQUIRED: &str = "UPGRADE_REQUIRED";
    pub const CUSTOMER_NOT_FOUND: &str = "CUSTOMER_NOT_FOUND";
    /// Signed in, but not allowed to do this.
    pub const PERMISSION_DENIED: &str = "PERMISSION_DENIED";
    /// The database (or `storage.max_database_mb`) is full; nothing was saved: retry later.
    pub const STORAGE_FULL: &str = "STORAGE_FULL";
    /// The server failed; retry later.
    pub const INTERNAL_ERROR: &str = "INTERNAL_ERROR";
    /// The change would break a rule of the workspace (the last admin, a taken name).
    pub const CONFLICT: &str = "CONFLICT";
    /// The body is not JSON, or a field has the wrong type (the text names it).
    pub const INVALID_JSON: &str = "INVALID_JSON";
    /// A list filter has a value that cannot be used (the text names it).
    pub const INVALID_FILTER: &str = "INVALID_FILTER";
    /// A message `type` REST cannot send.
    pub const INVALID_TYPE: &str = "INVALID_TYPE";
    /// A status change without a status.
    pub const MISSING_STATUS: &str = "MISSING_STATUS";
    /// A status that is not one of the conversation statuses.
    pub const INVALID_STATUS: &str = "INVALID_STATUS";
    /// An assignment to no active user.
    pub const INVALID_USER: &str = "INVALID_USER";
    /// A customer field that cannot be edited, or a value of the wrong shape.
    pub const INVALID_FIELD: &str = "INVALID_FIELD";
    /// A preference that is not known, or a value it does not take (`usr/me/preferences`).
    pub const INVALID_PREFERENCE: &str = "INVALID_PREFERENCE";
    /// Message text that is only whitespace.
    pub const EMPTY_CONTENT: &str = "EMPTY_CONTENT";
    /// Message text over the length limit.
    pub const CONTENT_TOO_LONG: &str = "CONTENT_TOO_LONG";
    /// An empty or over-long `client_msg_id`.
    pub const INVALID_CLIENT_MSG_ID: &str = "INVALID_CLIENT_MSG_ID";
    /// Feedback without the message it is about.
    pub const MISSING_MESSAGE_ID: &str = "MISSING_MESSAGE_ID";
    /// Feedback that is not positive, negative or none.
    pub const INVALID_FEEDBACK: &str = "INVALID_FEEDBACK";
    /// An inbound message from a platform the box does not know.
    pub const INVALID_SOURCE: &str = "INVALID_SOURCE";
    /// An inbound message without the customer's id on its platform.
    pub const INVALID_SOURCE_ID: &str = "INVALID_SOURCE_ID";
    /// `X-Integration-Key` is not the workspace's key.
    pub const INVALID_INTEGRATION_KEY: &str = "INVALID_INTEGRATION_KEY";
    /// Sign-in with an unknown name or a wrong password.
    pub const INVALID_CREDENTIALS: &str = "INVALID_CREDENTIALS";
    /// The right password of a disabled account: ask an admin; do not retry.
    pub const ACCOUNT_DISABLED: &str = "ACCOUNT_DISABLED";
    /// A password change whose `current_password` is not the user's password.
    pub const WRONG_PASSWORD: &str = "WRONG_PASSWORD";
    /// A refresh token that is not valid any more: sign in.
    pub const INVALID_TOKEN: &str = "INVALID_TOKEN";
    /// A role that is neither admin nor agent.
    pub const INVALID_ROLE: &str = "INVALID_ROLE";
    /// A username that is empty or too long.
    pub const INVALID_USERNAME: &str = "INVALID_USERNAME";
    /// A password the policy refuses (the text says why).
    pub const WEAK_PASSWORD: &str = "WEAK_PASSWORD";
    /// An admin tried to blacklist the address they are using (it would lock them out).
    pub const CANNOT_BLOCK_OWN_ADDRESS: &str = "CANNOT_BLOCK_OWN_ADDRESS";
    /// An admin tried to remove their own account.
    pub const CANNOT_REMOVE_SELF: &str = "CANNOT_REMOVE_SELF";
    pub const INVALID_IP: &str = "INVALID_IP";
    /// The body is larger than the limit.
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    /// The path exists, the method does not.
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    /// A body without `Content-Length`.
    pub const LENGTH_REQUIRED: &str = "LENGTH_REQUIRED";
    /// A body of a type this request may not send (a cookie-signed write that is not JSON).
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    /// The request names a `Host` this server does not answer for.
    pub const HOST_NOT_ALLOWED: &str = "HOST_NOT_ALLOWED";
    /// A bot token of the wrong shape, or one Telegram does not know: paste it again.
    pub const INVALID_BOT_TOKEN: &str = "INVALID_BOT_TOKEN";
    /// Telegram could not be reached: retry when the internet connection is back.
    pub const TELEGRAM_UNREACHABLE: &str = "TELEGRAM_UNREACHABLE";
    /// The channel is not set up: set it up first.
    pub const CHANNEL_NOT_CONFIGURED: &str = "CHANNEL_NOT_CONFIGURED";
    /// A webhook URL that is not a full http(s) address.
    pub const INVALID_URL: &str = "INVALID_URL";
    /// No message with that id: do not retry.
    pub const MESSAGE_NOT_FOUND: &str = "MESSAGE_NOT_FOUND";
    /// A request warp could not read.
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    /// A saved reply's shortcut is empty, too long or has characters other than letters, digits, `-` and `_`.
    pub const INVALID_SHORTCUT: &str = "INVALID_SHORTCUT";
    /// No saved reply has that id.
    pub const SAVED_REPLY_NOT_FOUND: &str = "SAVED_REPLY_NOT_FOUND";
    /// A signed media link that is forged, for another file, or expired: ask for a new one.
    pub const LINK_INVALID: &str = "LINK_INVALID";
    /// The owner's first-visit password may be chosen only on the pilito-box computer itself:
    /// open the page there, or sign in with the printed password.
    pub const SETUP_LOOPBACK_ONLY: &str = "SETUP_LOOPBACK_ONLY";
    /// The owner's password was chosen already, or an admin has signed in: sign in instead.
    pub const SETUP_DONE: &str = "SETUP_DONE";
    /// A setup step name that is not one of the checklist's.
    pub const UNKNOWN_SETUP_STEP: &str = "UNKNOWN_SETUP_STEP";
    /// No invite has that code: check the link; do not retry.
    pub const INVITE_UNKNOWN: &str = "INVITE_UNKNOWN";
    /// The invite's day is over: ask an admin for a new one.
    pub const INVITE_EXPIRED: &str = "INVITE_EXPIRED";
    /// The invite was used already: sign in, or ask an admin for a new one.
    pub const INVITE_USED: &str = "INVITE_USED";
    /// An admin revoked the invite: ask them for a new one.
    pub const INVITE_REVOKED: &str = "INVITE_REVOKED";
    /// An invite request that cannot be right (a code of the wrong shape, a kind or field
    /// missing): fix the request.
    pub const INVALID_INVITE: &str = "INVALID_INVITE";
}
