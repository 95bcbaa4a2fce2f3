//! The authority's certificate as devices take it: DER (`/ca.crt`, what Windows, Android and
//! macOS open), PEM (`/ca.pem`, for Linux and tools) and an Apple configuration profile
//! (`/pilito-box.mobileconfig`, what iOS installs).

use base64::Engine as _;
use sha2::{Digest, Sha256};
use warp::http::{HeaderValue, Response, header};
use warp::hyper::body::Bytes;
use warp::reply::Reply;

use crate::tls::ca::Authority;

/// The download at `path`, when it is one.
#[must_use]
pub fn download(path: &str, ca: &Authority) -> Option<warp::reply::Response> {
    let (body, content_type, file) = match path {
        "/ca.crt" => (
            Bytes::copy_from_slice(ca.der()),
            "application/x-x509-ca-cert",
            "pilito-box-ca.crt",
        ),
        "/ca.pem" => (
            Bytes::from(ca.pem().to_owned()),
            "application/x-pem-file",
            "pilito-box-ca.pem",
        ),
        "/pilito-box.mobileconfig" => (
            Bytes::from(mobileconfig(ca)),
            "application/x-apple-aspen-config",
            "pilito-box.mobileconfig",
        ),
        _ => return None,
    };
    let mut response = Response::new(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Some(response)
}

/// A profile holding the authority as a trusted root; its identifiers come from the
/// certificate, so downloading it again replaces the installed one instead of adding another.
fn mobileconfig(ca: &Authority) -> String {
    let der = base64::engine::general_purpose::STANDARD.encode(ca.der());
    let name = subject_name(ca).unwrap_or_else(|| "pilito-box".to_owned());
    let id = short_id(ca.der());
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadCertificateFileName</key>
			<string>pilito-box-ca.crt</string>
			<key>PayloadContent</key>
			<data>{der}</data>
			<key>PayloadDescription</key>
			<string>Lets this device open pilito-box over HTTPS.</string>
			<key>PayloadDisplayName</key>
			<string>{name}</string>
			<key>PayloadIdentifier</key>
			<string>box.pilito.authority.{id}</string>
			<key>PayloadType</key>
			<string>com.apple.security.root</string>
			<key>PayloadUUID</key>
			<string>{root_uuid}</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
		</dict>
	</array>
	<key>PayloadDescription</key>
	<string>The certificate authority of the pilito-box server on this office network.</string>
	<key>PayloadDisplayName</key>
	<string>{name}</string>
	<key>PayloadIdentifier</key>
	<string>box.pilito.profile.{id}</string>
	<key>PayloadRemovalDisallowed</key>
	<false/>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>{profile_uuid}</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
</dict>
</plist>
"#,
        root_uuid = uuid(ca.der(), b"root"),
        profile_uuid = uuid(ca.der(), b"profile"),
    )
}

/// The authority's common name (`pilito-box on office-pc`), escaped for XML.
fn subject_name(ca: &Authority) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(ca.der()).ok()?;
    let name = cert
        .subject()
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_owned();
    Some(name.replace('&', "&amp;").replace('<', "&lt;"))
}

fn short_id(der: &[u8]) -> String {
    hex(&Sha256::digest(der)[..8]).to_lowercase()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

/// A UUID (version 4 layout) derived from the certificate and `salt`.
fn uuid(der: &[u8], salt: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(der);
    hash.update(salt);
    let mut b: [u8; 16] = hash.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_holds_the_certificate_and_stable_ids() {
        let dir = tempfile::tempdir().unwrap();
        let (ca, _) = Authority::load_or_create(dir.path(), "office-pc").unwrap();
        let profile = mobileconfig(&ca);
        let der = base64::engine::general_purpose::STANDARD.encode(ca.der());
        assert!(profile.contains(&der) && profile.contains("pilito-box on office-pc"));
        assert_eq!(profile, mobileconfig(&ca));
        assert_eq!(uuid(b"x", b"root").len(), 36);
        assert_ne!(uuid(b"x", b"root"), uuid(b"x", b"profile"));
        let crt = download("/ca.crt", &ca).unwrap();
        assert_eq!(
            crt.headers()[header::CONTENT_TYPE],
            "application/x-x509-ca-cert"
        );
        assert!(download("/ca.der", &ca).is_none());
    }
}
