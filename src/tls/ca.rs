//! The local certificate authority: made once in `tls/` of the data folder (`ca.key`, owner
//! only, and `ca.crt`), constrained to the names a LAN server can have, and the issuing of server
//! certificates under it. Uses `rcgen` and `x509-parser`; nothing of the server.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType, SerialNumber,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::GeneralName;

use super::TlsError;
use super::files;
use super::names::Names;

/// The CA certificate's file name in the TLS folder.
pub const CA_CERT: &str = "ca.crt";
/// The CA key's file name in the TLS folder (mode 0600).
pub const CA_KEY: &str = "ca.key";

/// How long the authority itself is valid: devices trust it once, for years.
const CA_DAYS: i64 = 3650;

/// The address ranges the authority may sign for, the same as [`super::names::is_lan`].
const PERMITTED_NETS: &[(&str, u8)] = &[
    ("127.0.0.0", 8),
    ("10.0.0.0", 8),
    ("172.16.0.0", 12),
    ("192.168.0.0", 16),
    ("100.64.0.0", 10),
    ("::1", 128),
    ("fc00::", 7),
];

/// A certificate and its key, both PEM.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

/// The authority: its certificate and the key that signs.
pub struct Authority {
    cert_pem: String,
    der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
    /// DNS subtrees its name constraints permit.
    permitted_dns: Vec<String>,
}

impl Authority {
    /// Loads the authority from `dir`, making one for `host` when there is none.
    pub fn load_or_create(dir: &Path, host: &str) -> Result<(Self, bool), TlsError> {
        if dir.join(CA_CERT).exists() || dir.join(CA_KEY).exists() {
            return Self::load(dir).map(|ca| (ca, false));
        }
        files::private_dir(dir)?;
        let key = KeyPair::generate()?;
        let cert = ca_params(host).self_signed(&key)?;
        files::write_private(&dir.join(CA_KEY), key.serialize_pem().as_bytes())?;
        files::write_public(&dir.join(CA_CERT), cert.pem().as_bytes())?;
        Self::load(dir).map(|ca| (ca, true))
    }

    /// Loads the authority of `dir`.
    pub fn load(dir: &Path) -> Result<Self, TlsError> {
        let cert_pem = files::read_text(&dir.join(CA_CERT))?;
        let key_pem = files::read_text(&dir.join(CA_KEY))?;
        let bad = |path: PathBuf| move |e: rcgen::Error| TlsError::Invalid(path, e.to_string());
        let key = KeyPair::from_pem(&key_pem).map_err(bad(dir.join(CA_KEY)))?;
        let issuer = Issuer::from_ca_cert_pem(&cert_pem, key).map_err(bad(dir.join(CA_CERT)))?;
        let der = files::pem_certs(&cert_pem)
            .into_iter()
            .next()
            .ok_or_else(|| TlsError::Invalid(dir.join(CA_CERT), "no certificate".into()))?;
        let permitted_dns = permitted_dns(&der);
        Ok(Self {
            cert_pem,
            der: der.to_vec(),
            issuer,
            permitted_dns,
        })
    }

    /// Its certificate, PEM.
    #[must_use]
    pub fn pem(&self) -> &str {
        &self.cert_pem
    }

    /// Its certificate, DER.
    #[must_use]
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The SHA-256 fingerprint of its certificate, as `AB:CD:…`, the form devices show.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.der)
    }

    /// A server certificate for `names`, valid `days` days. Names the authority's constraints
    /// do not cover (a host renamed since the authority was made) are left out, as a client
    /// would refuse the whole certificate for one of them.
    pub fn issue(&self, names: &Names, days: u16) -> Result<Issued, TlsError> {
        let dns = self.dns_for(names);
        if dns.len() < names.dns().len() {
            tracing::warn!(
                "the host name {} is not one the certificate authority was made for; the certificate leaves it out",
                names.host
            );
        }
        let mut params = CertificateParams::default();
        let mut subject = DistinguishedName::new();
        subject.push(
            DnType::CommonName,
            dns.first().map_or("localhost", String::as_str),
        );
        params.distinguished_name = subject;
        params.subject_alt_names = dns
            .into_iter()
            .map(|name| name.try_into().map(SanType::DnsName))
            .chain(names.ips.iter().map(|ip| Ok(SanType::IpAddress(*ip))))
            .collect::<Result<_, _>>()?;
        let now = OffsetDateTime::now_utc();
        // An hour back, for devices whose clock runs a little behind.
        params.not_before = now - Duration::hours(1);
        params.not_after = now + Duration::days(i64::from(days)) - Duration::hours(1);
        params.serial_number = Some(serial());
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// The DNS names of `names` a certificate under this authority can carry.
    #[must_use]
    pub fn dns_for(&self, names: &Names) -> Vec<String> {
        names
            .dns()
            .into_iter()
            .filter(|name| self.permits(name))
            .collect()
    }

    /// Whether its name constraints allow the DNS name `name`.
    fn permits(&self, name: &str) -> bool {
        self.permitted_dns.is_empty()
            || self
                .permitted_dns
                .iter()
                .any(|tree| name == tree || name.ends_with(&format!(".{tree}")))
    }
}

/// The SHA-256 fingerprint of a DER certificate, as `AB:CD:…`.
#[must_use]
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn ca_params(host: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, format!("pilito-box on {host}"));
    subject.push(DnType::OrganizationName, "pilito-box local authority");
    // Two authorities of one host (a reinstall) must not share a name, or clients trusting
    // the old one would pick it and fail on its signature instead of saying it is unknown.
    subject.push(
        DnType::OrganizationalUnitName,
        format!(
            "made {} #{}",
            chrono::Utc::now().format("%Y-%m-%d"),
            crate::ids::random_string(6)
        ),
    );
    params.distinguished_name = subject;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::hours(1);
    params.not_after = now + Duration::days(CA_DAYS);
    params.serial_number = Some(serial());
    let dns = [host, "local", "localhost"]
        .into_iter()
        .map(|name| GeneralSubtree::DnsName(name.to_owned()));
    let nets = PERMITTED_NETS.iter().filter_map(|(net, prefix)| {
        let ip: IpAddr = net.parse().ok()?;
        Some(GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(
            ip, *prefix,
        )))
    });
    params.name_constraints = Some(NameConstraints {
        permitted_subtrees: dns.chain(nets).collect(),
        excluded_subtrees: Vec::new(),
    });
    params
}

/// A random positive 16-byte serial number.
fn serial() -> SerialNumber {
    let mut bytes = crate::ids::random_bytes(16);
    bytes[0] &= 0x7f;
    SerialNumber::from_slice(&bytes)
}

/// The DNS subtrees a CA certificate's name constraints permit (empty: no constraint).
fn permitted_dns(der: &[u8]) -> Vec<String> {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return Vec::new();
    };
    let Ok(Some(constraints)) = cert.name_constraints() else {
        return Vec::new();
    };
    constraints
        .value
        .permitted_subtrees
        .iter()
        .flatten()
        .filter_map(|tree| match tree.base {
            GeneralName::DNSName(name) => Some(name.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
