//! The `[tls]` and `[mdns]` sections: when the server speaks HTTPS, which certificate it serves
//! and how the machine is announced on the network (PROTOCOL §1).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Longest validity browsers and Apple devices accept for a server certificate.
pub const MAX_VALIDITY_DAYS: u16 = 397;

/// HTTPS settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    pub mode: TlsMode,
    /// A certificate chain (PEM) the business already has, served instead of the generated one.
    pub cert_file: Option<PathBuf>,
    /// The private key (PEM) of `cert_file`.
    pub key_file: Option<PathBuf>,
    /// Days the generated server certificate is valid.
    pub validity_days: ValidityDays,
    /// Days before its expiry when the generated certificate is replaced.
    pub renew_days_before: u16,
    /// Seconds between looks at the machine's addresses and the certificate files.
    pub check_secs: u64,
    /// Seconds a client has to complete the TLS handshake.
    pub handshake_secs: u64,
}

/// When the server speaks TLS.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// On unless the bind address is loopback (browsers already trust `http://localhost`).
    #[default]
    Auto,
    On,
    Off,
}

/// A certificate lifetime in days, 1 to [`MAX_VALIDITY_DAYS`].
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(try_from = "u16")]
pub struct ValidityDays(u16);

impl TryFrom<u16> for ValidityDays {
    type Error = String;

    fn try_from(days: u16) -> Result<Self, String> {
        if (1..=MAX_VALIDITY_DAYS).contains(&days) {
            Ok(Self(days))
        } else {
            Err(format!(
                "validity_days must be 1 to {MAX_VALIDITY_DAYS} (what browsers accept), not {days}"
            ))
        }
    }
}

impl ValidityDays {
    /// The lifetime in days.
    #[must_use]
    pub fn days(self) -> u16 {
        self.0
    }
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self {
            mode: TlsMode::Auto,
            cert_file: None,
            key_file: None,
            validity_days: ValidityDays(MAX_VALIDITY_DAYS),
            renew_days_before: 30,
            check_secs: 10,
            handshake_secs: 10,
        }
    }
}

impl TlsConfig {
    /// Whether a server listening on `ip` speaks TLS.
    #[must_use]
    pub fn enabled_for(&self, ip: IpAddr) -> bool {
        match self.mode {
            TlsMode::On => true,
            TlsMode::Off => false,
            TlsMode::Auto => !ip.is_loopback(),
        }
    }

    /// Time between checks of addresses and files.
    #[must_use]
    pub fn check_interval(&self) -> Duration {
        Duration::from_secs(self.check_secs.max(1))
    }

    /// Time a client gets for the TLS handshake.
    #[must_use]
    pub fn handshake_timeout(&self) -> Duration {
        Duration::from_secs(self.handshake_secs.max(1))
    }
}

/// Announcing the server with multicast DNS.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MdnsConfig {
    /// Answer for `<host>.local` and advertise an `_https._tcp` (or `_http._tcp`) service, when
    /// the server listens on a network address.
    pub enabled: bool,
}

impl Default for MdnsConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn auto_is_on_except_on_loopback_and_validity_is_capped() {
        let tls = TlsConfig::default();
        assert!(!tls.enabled_for("127.0.0.1".parse().unwrap()));
        assert!(!tls.enabled_for("::1".parse().unwrap()));
        assert!(tls.enabled_for("0.0.0.0".parse().unwrap()));
        assert!(tls.enabled_for("192.168.1.5".parse().unwrap()));
        let on = Config::parse("[tls]\nmode = \"on\"\n", &[]).unwrap();
        assert!(on.tls.enabled_for("127.0.0.1".parse().unwrap()));
        let err = Config::parse("[tls]\nvalidity_days = 800\n", &[]).unwrap_err();
        assert!(err.contains("validity_days"), "{err}");
        let err = Config::parse("[tls]\nmode = \"maybe\"\n", &[]).unwrap_err();
        assert!(err.contains("mode"), "{err}");
    }
}
