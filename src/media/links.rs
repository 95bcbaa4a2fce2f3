//! Signed links to a stored file: `?expires=<unix seconds>&sig=<hex HMAC-SHA256>` over the name
//! and the expiry, with a key derived from the workspace secret, so a receiver that cannot sign
//! in (a webhook's) can fetch one file until the link expires, and nothing else.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a signed link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link has no valid signature")]
    Invalid,
    #[error("the link has expired")]
    Expired,
}

/// The links' own key: the secret signs tokens too, so links get a key of their own from it.
pub(super) fn derive_key(secret: &[u8]) -> Vec<u8> {
    let mut mac = mac(secret);
    mac.update(b"pilito-box media links v1");
    mac.finalize().into_bytes().to_vec()
}

pub(super) fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
}

pub(super) fn sign(key: &[u8], media_file: &str, expires: u64) -> String {
    let mut mac = mac(key);
    mac.update(format!("{media_file}.{expires}").as_bytes());
    hex(&mac.finalize().into_bytes())
}

pub(super) fn verify(key: &[u8], media_file: &str, query: &str) -> Result<(), LinkError> {
    let mut expires = None;
    let mut sig = None;
    for (k, v) in query.split('&').filter_map(|pair| pair.split_once('=')) {
        match k {
            "expires" => expires = v.parse::<u64>().ok(),
            "sig" => sig = decode_hex(v),
            _ => {}
        }
    }
    let (Some(expires), Some(sig)) = (expires, sig) else {
        return Err(LinkError::Invalid);
    };
    let mut mac = mac(key);
    mac.update(format!("{media_file}.{expires}").as_bytes());
    mac.verify_slice(&sig).map_err(|_| LinkError::Invalid)?;
    if expires < now_secs() {
        return Err(LinkError::Expired);
    }
    Ok(())
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length; `new_from_slice` fails for none.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_until_it_expires_and_only_for_its_file() {
        let key = derive_key(b"secret");
        let later = now_secs() + 60;
        let sig = sign(&key, "2026/12/a.jpg", later);
        let query = format!("expires={later}&sig={sig}");
        assert_eq!(verify(&key, "2026/12/a.jpg", &query), Ok(()));
        assert_eq!(
            verify(&key, "2026/12/b.jpg", &query),
            Err(LinkError::Invalid)
        );
        assert_eq!(
            verify(&derive_key(b"other"), "2026/12/a.jpg", &query),
            Err(LinkError::Invalid)
        );
        let past = now_secs() - 1;
        let old = format!("expires={past}&sig={}", sign(&key, "2026/12/a.jpg", past));
        assert_eq!(verify(&key, "2026/12/a.jpg", &old), Err(LinkError::Expired));
        assert_eq!(verify(&key, "2026/12/a.jpg", ""), Err(LinkError::Invalid));
        let moved = format!("expires={}&sig={sig}", later + 1);
        assert_eq!(
            verify(&key, "2026/12/a.jpg", &moved),
            Err(LinkError::Invalid)
        );
    }
}
