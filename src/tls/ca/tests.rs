//! The authority against a real verifier (webpki through rustls): what it signs is accepted
//! for the LAN names and refused outside its name constraints.

use std::collections::BTreeSet;
use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier as _;
use rustls::pki_types::{ServerName, UnixTime};

use super::*;
use crate::tls::certs;

fn names(ips: &[&str]) -> Names {
    Names {
        host: "office-pc".into(),
        ips: ips
            .iter()
            .map(|ip| ip.parse().unwrap())
            .collect::<BTreeSet<_>>(),
    }
}

fn verify(ca: &Authority, cert_pem: &str, name: &str) -> Result<(), rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().to_vec().into()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls::client::WebPkiServerVerifier::builder_with_provider(roots.into(), provider)
            .build()
            .unwrap();
    let leaf = files::pem_certs(cert_pem).remove(0);
    let name = ServerName::try_from(name.to_owned()).unwrap();
    verifier
        .verify_server_cert(&leaf, &[], &name, &[], UnixTime::now())
        .map(|_| ())
}

#[test]
fn a_new_authority_signs_certificates_for_the_lan_names_only() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, created) = Authority::load_or_create(dir.path(), "office-pc").unwrap();
    assert!(created);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(CA_KEY))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let issued = ca
        .issue(&names(&["127.0.0.1", "192.168.1.5"]), 397)
        .unwrap();
    for name in [
        "192.168.1.5",
        "127.0.0.1",
        "office-pc",
        "office-pc.local",
        "localhost",
    ] {
        verify(&ca, &issued.cert_pem, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(verify(&ca, &issued.cert_pem, "192.168.1.6").is_err());
    let info = certs::info(&files::pem_certs(&issued.cert_pem)[0]).unwrap();
    let days = (info.not_after - chrono::Utc::now()).num_days();
    assert!((395..397).contains(&days), "{days}");
    let (again, created) = Authority::load_or_create(dir.path(), "office-pc").unwrap();
    assert!(!created);
    assert_eq!(again.fingerprint(), ca.fingerprint());
    assert_eq!(ca.fingerprint().len(), 32 * 3 - 1);
}

#[test]
fn its_name_constraints_make_clients_refuse_a_public_name() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, _) = Authority::load_or_create(dir.path(), "office-pc").unwrap();
    let public = ca.issue(&names(&["8.8.8.8"]), 30).unwrap();
    let refused = verify(&ca, &public.cert_pem, "8.8.8.8").unwrap_err();
    assert!(
        format!("{refused:?}").contains("NameConstraint"),
        "{refused:?}"
    );
    let renamed = Names {
        host: "other-name".into(),
        ips: BTreeSet::new(),
    };
    assert_eq!(ca.dns_for(&renamed), ["other-name.local", "localhost"]);
}
