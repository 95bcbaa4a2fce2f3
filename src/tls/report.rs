//! What `pilito-box tls show` and `tls renew` do, from the files alone, so they work while a
//! server runs on the data folder (which serves a renewed certificate within `tls.check_secs`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::ca::{self, Authority};
use super::certs::{self, CertInfo};
use super::names::Names;
use super::{SERVER_CERT, TlsError, configured, files, upkeep};
use crate::config::Config;

/// The certificate a server on this configuration serves, and its authority.
#[derive(Debug, Clone)]
pub struct Report {
    /// The certificate file.
    pub cert_file: PathBuf,
    /// Whether it is the business's own (`tls.cert_file`) rather than generated here.
    pub configured: bool,
    /// The authority's certificate file and SHA-256 fingerprint, for a generated certificate.
    pub authority: Option<(PathBuf, String)>,
    pub cert: CertInfo,
    /// When a generated certificate is replaced at the latest.
    pub renew_on: Option<DateTime<Utc>>,
}

/// Reads the certificate and authority of `config` as they are on disk.
pub fn report(config: &Config) -> Result<Report, TlsError> {
    if let Some((cert_file, _)) = configured(&config.tls)? {
        let cert = first_cert(&cert_file)?;
        return Ok(Report {
            cert_file,
            configured: true,
            authority: None,
            cert,
            renew_on: None,
        });
    }
    let dir = config.tls_dir();
    if !dir.join(ca::CA_CERT).exists() {
        return Err(TlsError::Config(format!(
            "there is no certificate authority in {} yet: it is made at the first start with TLS on, or by `pilito-box tls renew`",
            dir.display()
        )));
    }
    let authority = Authority::load(&dir)?;
    let cert_file = dir.join(SERVER_CERT);
    let cert = first_cert(&cert_file)?;
    let renew_on = cert.not_after - chrono::Duration::days(i64::from(config.tls.renew_days_before));
    Ok(Report {
        cert_file,
        configured: false,
        authority: Some((dir.join(ca::CA_CERT), authority.fingerprint())),
        cert,
        renew_on: Some(renew_on),
    })
}

/// Issues a new server certificate now (making the authority if there is none yet).
pub fn renew(config: &Config) -> Result<CertInfo, TlsError> {
    if let Some((cert, _)) = configured(&config.tls)? {
        return Err(TlsError::Config(format!(
            "tls.cert_file is set ({}): renew that certificate where it was issued; the server reloads it when the file changes",
            cert.display()
        )));
    }
    let names = Names::of_this_machine();
    let dir = config.tls_dir();
    let (authority, _) = Authority::load_or_create(&dir, &names.host)?;
    upkeep::issue(&authority, &dir, &names, &config.tls).map(|served| served.info)
}

fn first_cert(path: &std::path::Path) -> Result<CertInfo, TlsError> {
    let pem = files::read_text(path)?;
    let der = files::pem_certs(&pem)
        .into_iter()
        .next()
        .ok_or_else(|| TlsError::Invalid(path.to_owned(), "no certificate in it".into()))?;
    certs::info(&der).map_err(|why| TlsError::Invalid(path.to_owned(), why))
}
