//! HTTPS without buying or configuring anything: a local certificate authority made at first
//! start, a server certificate under it naming every address of the machine, renewed before it
//! expires and re-issued when the addresses change, served without a restart; or a certificate
//! the business already has (`tls.cert_file`), reloaded when its files change. Owns the `tls/`
//! folder of the data folder; uses `config`, `auth::secret` (private files) and `ids`, and
//! knows nothing of HTTP (PROTOCOL §1).

pub mod ca;
pub mod certs;
mod files;
pub mod names;
mod report;
mod resolver;
mod upkeep;

pub use report::{Report, renew, report};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rustls::ServerConfig;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use self::ca::Authority;
use self::certs::CertInfo;
use self::names::Names;
use self::resolver::Current;
use crate::config::{Config, TlsConfig};

/// The generated server certificate's file name in the TLS folder.
pub const SERVER_CERT: &str = "server.crt";
/// The generated server key's file name in the TLS folder (mode 0600).
pub const SERVER_KEY: &str = "server.key";

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A certificate or key file that cannot be used, and why.
    #[error("{}: {}", .0.display(), .1)]
    Invalid(PathBuf, String),
    #[error("cannot make a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("cannot set up TLS: {0}")]
    Rustls(#[from] rustls::Error),
    /// The `[tls]` settings contradict each other.
    #[error("{0}")]
    Config(String),
}

impl TlsError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// The server's TLS: what it serves and how it keeps it current. Cheap to clone.
#[derive(Clone)]
pub struct Tls {
    inner: Arc<Inner>,
}

struct Inner {
    config: TlsConfig,
    source: Source,
    current: Arc<Current>,
    server_config: Arc<ServerConfig>,
    /// Std lock: the names last looked at, read by the onboarding page; never held across
    /// `.await`.
    names: Mutex<Names>,
}

/// Where the certificate comes from.
enum Source {
    /// Issued here by the local authority, into `dir`.
    Generated {
        authority: Box<Authority>,
        dir: PathBuf,
    },
    /// The business's own files.
    Configured { cert: PathBuf, key: PathBuf },
}

impl Tls {
    /// Loads or makes what `config` asks for: the configured certificate, or the authority and
    /// a current certificate under it.
    pub fn start(config: &Config) -> Result<Self, TlsError> {
        let names = Names::of_this_machine();
        let (source, served) = if let Some((cert, key)) = configured(&config.tls)? {
            let served = certs::load(&cert, &key)?;
            if served.info.not_after < chrono::Utc::now() {
                tracing::warn!(
                    "the certificate {} expired on {}; browsers will refuse it",
                    cert.display(),
                    served.info.not_after
                );
            }
            (Source::Configured { cert, key }, served)
        } else {
            let dir = config.tls_dir();
            let (authority, created) = Authority::load_or_create(&dir, &names.host)?;
            if created {
                tracing::info!(
                    "made a local certificate authority in {} (fingerprint {})",
                    dir.display(),
                    authority.fingerprint()
                );
            }
            let served =
                upkeep::generated_at_start(&authority, &dir, &names, &config.tls, created)?;
            let authority = Box::new(authority);
            (Source::Generated { authority, dir }, served)
        };
        let current = Arc::new(Current::new(served));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server_config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_cert_resolver(current.clone());
        server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            inner: Arc::new(Inner {
                config: config.tls.clone(),
                source,
                current,
                server_config: Arc::new(server_config),
                names: Mutex::new(names),
            }),
        })
    }

    /// The rustls configuration every TLS connection is accepted with.
    #[must_use]
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.inner.server_config.clone()
    }

    /// The local authority, unless the business's own certificate is served.
    #[must_use]
    pub fn authority(&self) -> Option<&Authority> {
        match &self.inner.source {
            Source::Generated { authority, .. } => Some(authority),
            Source::Configured { .. } => None,
        }
    }

    /// What the certificate served now says.
    #[must_use]
    pub fn served(&self) -> CertInfo {
        self.inner.current.get().info
    }

    /// The machine's names as last looked at.
    #[must_use]
    pub fn names(&self) -> Names {
        self.inner
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keeps the certificate current every `tls.check_secs` until `stop` turns true.
    #[must_use]
    pub fn spawn_upkeep(&self, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(upkeep::run(self.clone(), stop))
    }
}

/// The configured certificate and key files, when both are set.
fn configured(tls: &TlsConfig) -> Result<Option<(PathBuf, PathBuf)>, TlsError> {
    match (&tls.cert_file, &tls.key_file) {
        (Some(cert), Some(key)) => Ok(Some((cert.clone(), key.clone()))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(TlsError::Config(
            "tls.cert_file is set but tls.key_file is not".into(),
        )),
        (None, Some(_)) => Err(TlsError::Config(
            "tls.key_file is set but tls.cert_file is not".into(),
        )),
    }
}
