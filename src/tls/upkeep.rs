//! Keeping the served certificate current: at start and then every `tls.check_secs`, a
//! generated certificate is re-issued when the machine's names changed or its expiry is within
//! `tls.renew_days_before`, and picked up from its files when another process (`tls renew`)
//! replaced them; a configured certificate is reloaded when its files change.

use std::path::Path;

use chrono::Utc;
use tokio::sync::watch;

use super::ca::Authority;
use super::certs::{self, CertInfo, Served};
use super::files::{self, Stamp};
use super::names::Names;
use super::{SERVER_CERT, SERVER_KEY, Source, Tls, TlsError};
use crate::config::TlsConfig;

/// The files as last read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamps {
    cert: Option<Stamp>,
    key: Option<Stamp>,
}

impl Stamps {
    fn of(cert: &Path, key: &Path) -> Self {
        Self {
            cert: files::stamp(cert),
            key: files::stamp(key),
        }
    }
}

/// The generated certificate to serve at start: the one in `dir` while it fits, else a new one.
pub(super) fn generated_at_start(
    authority: &Authority,
    dir: &Path,
    names: &Names,
    tls: &TlsConfig,
    new_authority: bool,
) -> Result<Served, TlsError> {
    if tls.renew_days_before >= tls.validity_days.days() {
        tracing::warn!(
            "tls.renew_days_before ({}) is not below tls.validity_days ({}): the certificate is re-issued at every check",
            tls.renew_days_before,
            tls.validity_days.days()
        );
    }
    let (cert, key) = (dir.join(SERVER_CERT), dir.join(SERVER_KEY));
    if !new_authority && cert.exists() {
        match certs::load(&cert, &key) {
            Ok(served) => match due(&served.info, authority, names, tls) {
                None => return Ok(served),
                Some(why) => tracing::info!("replacing the server certificate: {why}"),
            },
            Err(e) => tracing::warn!("cannot use the server certificate ({e}); issuing a new one"),
        }
    }
    issue(authority, dir, names, tls)
}

/// Issues a certificate for `names` and writes it to `dir` (the key first: a reader keyed on
/// the certificate's file never pairs a new certificate with an old key).
pub(super) fn issue(
    authority: &Authority,
    dir: &Path,
    names: &Names,
    tls: &TlsConfig,
) -> Result<Served, TlsError> {
    let issued = authority.issue(names, tls.validity_days.days())?;
    let (cert, key) = (dir.join(SERVER_CERT), dir.join(SERVER_KEY));
    files::write_private(&key, issued.key_pem.as_bytes())?;
    files::write_public(&cert, issued.cert_pem.as_bytes())?;
    let served = certs::from_pem(&issued.cert_pem, &issued.key_pem, &cert, &key)?;
    tracing::info!(
        "serving a new certificate for {}, valid until {}",
        served.info.names().join(", "),
        served.info.not_after.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(served)
}

/// Why a generated certificate must be replaced, or `None` while it fits.
pub(super) fn due(
    info: &CertInfo,
    authority: &Authority,
    names: &Names,
    tls: &TlsConfig,
) -> Option<String> {
    if info.dns != authority.dns_for(names) || info.ips != names.ips {
        return Some(format!(
            "the machine's names changed (it named {})",
            info.names().join(", ")
        ));
    }
    let renew_at = info.not_after - chrono::Duration::days(i64::from(tls.renew_days_before));
    (Utc::now() >= renew_at).then(|| format!("it expires on {}", info.not_after.format("%Y-%m-%d")))
}

/// Checks every `tls.check_secs` until `stop` turns true.
pub(super) async fn run(tls: Tls, mut stop: watch::Receiver<bool>) {
    let mut stamps = match &tls.inner.source {
        Source::Generated { dir, .. } => Stamps::of(&dir.join(SERVER_CERT), &dir.join(SERVER_KEY)),
        Source::Configured { cert, key } => Stamps::of(cert, key),
    };
    let every = tls.inner.config.check_interval();
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { return },
        }
        let tls = tls.clone();
        match tokio::task::spawn_blocking(move || check(&tls, stamps)).await {
            Ok(now) => stamps = now,
            Err(e) => tracing::warn!("the certificate check failed: {e}"),
        }
    }
}

/// One check; returns the files' stamps as now known.
fn check(tls: &Tls, seen: Stamps) -> Stamps {
    let inner = &tls.inner;
    match &inner.source {
        Source::Configured { cert, key } => {
            let now = Stamps::of(cert, key);
            if now != seen {
                match certs::load(cert, key) {
                    Ok(served) => {
                        tracing::info!(
                            "reloaded the certificate {} (for {}, valid until {})",
                            cert.display(),
                            served.info.names().join(", "),
                            served.info.not_after.format("%Y-%m-%d")
                        );
                        inner.current.set(served);
                    }
                    Err(e) => tracing::warn!(
                        "cannot reload the certificate ({e}); still serving the previous one"
                    ),
                }
            }
            now
        }
        Source::Generated { authority, dir } => {
            let names = Names::of_this_machine();
            *inner
                .names
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = names.clone();
            let (cert, key) = (dir.join(SERVER_CERT), dir.join(SERVER_KEY));
            let mut reissue = None;
            if Stamps::of(&cert, &key).cert != seen.cert {
                match certs::load(&cert, &key) {
                    Ok(served) => {
                        tracing::info!(
                            "serving the certificate another process wrote to {}",
                            cert.display()
                        );
                        inner.current.set(served);
                    }
                    Err(e) => reissue = Some(format!("its files cannot be read ({e})")),
                }
            }
            let why = reissue
                .or_else(|| due(&inner.current.get().info, authority, &names, &inner.config));
            if let Some(why) = why {
                tracing::info!("replacing the server certificate: {why}");
                match issue(authority, dir, &names, &inner.config) {
                    Ok(served) => inner.current.set(served),
                    Err(e) => tracing::warn!("cannot issue a new certificate: {e}"),
                }
            }
            Stamps::of(&cert, &key)
        }
    }
}
