//! A server certificate ready to serve: its chain and key as rustls takes them, and what it
//! says (names, expiry, serial) read with `x509-parser`, for the renewal decisions, the
//! onboarding page and `tls show`.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject as _;
use rustls::sign::CertifiedKey;
use x509_parser::extensions::GeneralName;

use super::{TlsError, files};

/// What a certificate names and how long it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// DNS names of its subject alternative names, in order.
    pub dns: Vec<String>,
    /// IP addresses of its subject alternative names.
    pub ips: BTreeSet<IpAddr>,
    pub not_after: DateTime<Utc>,
    /// Hexadecimal, `ab:cd:…`.
    pub serial: String,
    /// The issuer's distinguished name as text.
    pub issuer: String,
}

impl CertInfo {
    /// Every name, DNS first, as text.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        let ips = self.ips.iter().map(ToString::to_string);
        self.dns.iter().cloned().chain(ips).collect()
    }
}

/// A certificate with its key, as the handshake uses it.
#[derive(Debug, Clone)]
pub struct Served {
    pub key: Arc<CertifiedKey>,
    pub info: CertInfo,
}

/// Reads a chain and its key from two PEM files.
pub fn load(cert: &Path, key: &Path) -> Result<Served, TlsError> {
    let cert_pem = files::read_text(cert)?;
    let key_pem = files::read_text(key)?;
    from_pem(&cert_pem, &key_pem, cert, key)
}

/// A chain and its key from PEM text; `cert` and `key` name where they came from in errors.
pub fn from_pem(
    cert_pem: &str,
    key_pem: &str,
    cert: &Path,
    key: &Path,
) -> Result<Served, TlsError> {
    let chain = files::pem_certs(cert_pem);
    let first = chain
        .first()
        .ok_or_else(|| TlsError::Invalid(cert.to_owned(), "no certificate in it".into()))?;
    let info = info(first).map_err(|why| TlsError::Invalid(cert.to_owned(), why))?;
    let private = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| TlsError::Invalid(key.to_owned(), e.to_string()))?;
    let provider = rustls::crypto::ring::default_provider();
    let certified = CertifiedKey::from_der(chain, private, &provider).map_err(|e| {
        TlsError::Invalid(
            key.to_owned(),
            format!("does not fit {}: {e}", cert.display()),
        )
    })?;
    Ok(Served {
        key: Arc::new(certified),
        info,
    })
}

/// What the DER certificate `der` says.
pub fn info(der: &[u8]) -> Result<CertInfo, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let mut dns = Vec::new();
    let mut ips = BTreeSet::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(name) => dns.push((*name).to_owned()),
                GeneralName::IPAddress(bytes) => {
                    if let Some(ip) = ip_from(bytes) {
                        ips.insert(ip);
                    }
                }
                _ => {}
            }
        }
    }
    let not_after = DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
        .ok_or("its expiry is out of range")?;
    Ok(CertInfo {
        dns,
        ips,
        not_after,
        serial: cert.raw_serial_as_string(),
        issuer: cert.issuer().to_string(),
    })
}

fn ip_from(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(IpAddr::from(v4));
    }
    <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from)
}
