//! The HTTP client the channels share: rustls on the ring provider, the system's certificate
//! store, no proxy, and errors rendered without their URL (a Bot API URL holds the token).

use std::sync::Arc;
use std::time::Duration;

/// Builds the client; fails only if the system's certificate store cannot be used.
pub fn build() -> Result<reqwest::Client, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
        .map_err(|e| format!("cannot use the system's certificates: {e}"))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("pilito-box/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| plain(&e))
}

/// What went wrong, in words, never with the request's URL.
#[must_use]
pub fn plain(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "it did not answer in time"
    } else if e.is_connect() {
        "the connection failed"
    } else if e.is_body() || e.is_decode() {
        "its answer broke off"
    } else {
        "the request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let cause = scrub(&cause);
    if cause.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} ({cause})")
    }
}

/// Removes anything that looks like a Bot API token path from a text.
#[must_use]
pub fn scrub(text: &str) -> String {
    text.split(' ')
        .map(|w| if w.contains("/bot") { "…" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}
