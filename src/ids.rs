//! Random identifiers: public conversation and message ids, token ids, secrets, passwords.

use rand::RngExt;

/// The shortuuid alphabet the original used for conversation and message ids (PROTOCOL §2).
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Length of newly generated public ids: 57^10 ≈ 3.6 × 10^17, so collisions are negligible.
pub const PUBLIC_ID_LEN: usize = 10;

/// A new 10-character public id for a conversation or message.
#[must_use]
pub fn public_id() -> String {
    random_string(PUBLIC_ID_LEN)
}

/// A random string of `len` characters from [`ALPHABET`].
#[must_use]
pub fn random_string(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// `len` random bytes from the operating system's generator.
#[must_use]
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0_u8; len];
    rand::rng().fill(&mut bytes[..]);
    bytes
}

/// Whether `id` has the shape of a conversation or message id: 1–10 word characters.
#[must_use]
pub fn is_valid_public_id(id: &str) -> bool {
    (1..=PUBLIC_ID_LEN).contains(&id.chars().count())
        && id.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ids_use_the_alphabet_and_length() {
        let id = public_id();
        assert_eq!(id.len(), PUBLIC_ID_LEN);
        assert!(id.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(public_id(), public_id());
    }

    #[test]
    fn id_shape_is_checked() {
        assert!(is_valid_public_id("Qm7pTk"));
        assert!(is_valid_public_id("a_b"));
        assert!(!is_valid_public_id(""));
        assert!(!is_valid_public_id("abcdefghijk"));
        assert!(!is_valid_public_id("ab-c"));
    }
}
