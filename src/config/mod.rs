//! One `Config` for the whole server: serde defaults, unknown keys refused; read from a TOML file
//! with `PILITO_BOX_*` environment overrides ([`load`]), first written from a commented template.

mod channels;
mod load;
mod tls;

pub use channels::{ChannelsConfig, TelegramConfig, WebhookConfig};
pub use load::{ConfigError, ENV_PREFIX, TEMPLATE, write_template};
pub use tls::{MAX_VALIDITY_DAYS, MdnsConfig, TlsConfig, TlsMode, ValidityDays};

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Everything the server can be told; every field has a default so an empty file is valid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address HTTP and WebSocket share (PROTOCOL §1).
    pub bind: SocketAddr,
    /// Folder holding the database, the secret and (unless `log_dir` is set) the logs.
    pub data_dir: PathBuf,
    /// Folder for the daily log files; defaults to `<data_dir>/logs` or the OS log folder.
    pub log_dir: Option<PathBuf>,
    /// Daily log files kept.
    pub log_keep_days: usize,
    /// Development mode: a socket without a token is the first user (PROTOCOL §3.2).
    pub dev: bool,
    /// Browser origins allowed besides the server's own (PROTOCOL §8).
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` is believed; from anyone else it is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// Host names requests may name besides the machine's own names and any IP address (a name
    /// given to the box in the office's DNS); other `Host`s are refused (DNS rebinding).
    pub allowed_hosts: Vec<String>,
    pub tokens: TokenConfig,
    /// Connection, rate and queue limits.
    pub limits: Limits,
    /// `SQLite` settings.
    pub storage: StorageConfig,
    pub backup: BackupConfig,
    /// HTTPS (PROTOCOL §1).
    pub tls: TlsConfig,
    /// The multicast DNS announcement.
    pub mdns: MdnsConfig,
    /// The Telegram bot (PROTOCOL §13).
    pub telegram: TelegramConfig,
    /// The webhook channel.
    pub webhook: WebhookConfig,
    /// Retries and sizes every channel shares.
    pub channels: ChannelsConfig,
}

/// Automatic backups into `<data_dir>/backups`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// Seconds between automatic backups (default one day); 0 turns them off.
    pub interval_secs: u64,
    /// Automatic backups kept.
    pub keep: usize,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self {
            interval_secs: 86_400,
            keep: 7,
        }
    }
}

/// Token lifetimes (PROTOCOL §3.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenConfig {
    /// Access token lifetime in seconds (default 7 days).
    pub access_ttl_secs: u64,
    /// Refresh token lifetime in seconds (default 15 days).
    pub refresh_ttl_secs: u64,
    /// How often the server looks for tokens revoked by another process, in milliseconds.
    pub revocation_poll_ms: u64,
    /// How long an invite (to join, or to choose a new password) may be redeemed, in seconds
    /// (default one day).
    pub invite_ttl_secs: u64,
}

/// Limits of PROTOCOL §7–§8; each bounds one resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Handshakes allowed per IP per minute.
    pub handshakes_per_minute: u32,
    /// Handshakes an IP may make at once before the per-minute rate applies.
    pub handshake_burst: u32,
    /// Open sockets in total.
    pub max_connections: usize,
    /// Open sockets per user.
    pub max_connections_per_user: usize,
    /// TCP connections one address may hold open, sockets and plain HTTP alike (0: no cap);
    /// trusted proxies are never refused.
    pub max_connections_per_address: usize,
    /// Seconds a connection has to send a complete request head, from when it opens or its
    /// previous response was sent: the deadline for the first byte, the head and an idle
    /// kept-alive connection.
    pub request_head_secs: u64,
    /// Seconds a request body has to arrive whole, from the end of its head.
    pub request_body_secs: u64,
    /// Least average rate of a request body after its first second, in bytes a second (0: any).
    pub request_body_min_bytes_per_sec: u64,
    /// Client frames per second per socket, sustained.
    pub frames_per_second: u32,
    /// Client frames a socket may send at once.
    pub frame_burst: u32,
    /// REST writes (POST, PUT, PATCH, DELETE) per second per user, sustained.
    pub rest_writes_per_second: u32,
    /// REST writes a user may make at once.
    pub rest_write_burst: u32,
    /// Largest client frame in bytes; bigger ones close the socket with 1009.
    pub max_frame_bytes: usize,
    /// Outgoing frames queued per socket before it counts as too slow (1013).
    pub queue_capacity: usize,
    /// Kernel send buffer per connection, in bytes.
    pub socket_send_buffer_bytes: u32,
    /// Seconds between server pings.
    pub ping_interval_secs: u64,
    /// Seconds of silence after which a socket is closed.
    pub idle_timeout_secs: u64,
    /// Seconds after the last `typing: true` when the server says `is_typing: false`.
    pub typing_timeout_secs: u64,
    /// Seconds the server waits for sockets to close at shutdown.
    pub shutdown_grace_secs: u64,
    /// Seconds a user stays online after their last socket closed (a page reload does not
    /// flicker them offline).
    pub presence_grace_secs: u64,
}

/// `SQLite` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// Database file name inside `data_dir`.
    pub database_file: String,
    /// `FULL` survives a power cut; `NORMAL` survives a crash of the process only.
    pub synchronous: Synchronous,
    /// Most writes committed together in one transaction when the writer is busy.
    pub max_batch: usize,
    /// Reader connections used at once.
    pub readers: usize,
    /// Refuse writes once the database reaches this size, in megabytes (0: no cap), so the
    /// disk never fills up under it; by default its size at start plus nine tenths of the free
    /// disk.
    pub max_database_mb: Option<u64>,
}

/// `SQLite`'s `synchronous` setting for the writer.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// Fsync on every commit: committed data survives power loss.
    Full,
    /// Fsync at checkpoints: committed data survives a crash of the process.
    Normal,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([0, 0, 0, 0], 8765)),
            data_dir: PathBuf::from("pilito-box-data"),
            log_dir: None,
            log_keep_days: 14,
            dev: false,
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            allowed_hosts: Vec::new(),
            tokens: TokenConfig::default(),
            limits: Limits::default(),
            storage: StorageConfig::default(),
            backup: BackupConfig::default(),
            tls: TlsConfig::default(),
            mdns: MdnsConfig::default(),
            telegram: TelegramConfig::default(),
            webhook: WebhookConfig::default(),
            channels: ChannelsConfig::default(),
        }
    }
}

impl Default for TokenConfig {
    fn default() -> Self {
        Self {
            access_ttl_secs: 7 * 86_400,
            refresh_ttl_secs: 15 * 86_400,
            revocation_poll_ms: 250,
            invite_ttl_secs: 86_400,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            handshakes_per_minute: 30,
            handshake_burst: 10,
            max_connections: 10_000,
            max_connections_per_user: 50,
            max_connections_per_address: 256,
            request_head_secs: 10,
            request_body_secs: 30,
            request_body_min_bytes_per_sec: 1024,
            frames_per_second: 20,
            frame_burst: 40,
            rest_writes_per_second: 20,
            rest_write_burst: 40,
            max_frame_bytes: 64 * 1024,
            queue_capacity: 1024,
            socket_send_buffer_bytes: 128 * 1024,
            ping_interval_secs: 20,
            idle_timeout_secs: 60,
            typing_timeout_secs: 6,
            shutdown_grace_secs: 5,
            presence_grace_secs: 10,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            database_file: "pilito-box.db".to_owned(),
            synchronous: Synchronous::Full,
            max_batch: 256,
            readers: 8,
            max_database_mb: None,
        }
    }
}

impl Config {
    /// Path of the `SQLite` database.
    #[must_use]
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(&self.storage.database_file)
    }

    /// Folder for automatic backups.
    #[must_use]
    pub fn backup_dir(&self) -> PathBuf {
        self.data_dir.join("backups")
    }

    /// Folder of the generated certificate authority and server certificate.
    #[must_use]
    pub fn tls_dir(&self) -> PathBuf {
        self.data_dir.join("tls")
    }

    /// Folder for log files.
    #[must_use]
    pub fn log_dir(&self) -> PathBuf {
        self.log_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("logs"))
    }
}

impl Limits {
    /// Server ping period.
    #[must_use]
    pub fn ping_interval(&self) -> Duration {
        Duration::from_secs(self.ping_interval_secs.max(1))
    }

    /// Silence after which a socket is closed.
    #[must_use]
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs.max(1))
    }

    /// Time after the last `typing: true` when the server clears the indicator.
    #[must_use]
    pub fn typing_timeout(&self) -> Duration {
        Duration::from_secs(self.typing_timeout_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::parse("", &[]).unwrap();
        assert_eq!(c.bind.port(), 8765);
        assert_eq!(c.limits.queue_capacity, 1024);
        assert_eq!(c.storage.synchronous, Synchronous::Full);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let err = Config::parse("[limits]\nqueue_capasity = 3\n", &[]).unwrap_err();
        assert!(err.contains("queue_capasity"), "{err}");
        let err = Config::parse("bind = \"nowhere\"\n", &[]).unwrap_err();
        assert!(err.contains("bind"), "{err}");
    }
}
