//! Password hashing with argon2 (PHC strings), slow on purpose, so callers run it off the runtime
//! and behind [`super::Checks`]; and the policy every new password meets. Hashing and checking
//! take their working memory from the caller, so a worker reuses one buffer for every check: a
//! fresh 19 MiB aligned allocation per check is not reused by the allocator (each one left
//! 19 MiB more resident, 1.6 GB after a burst of sign-ins).

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::storage::StoreError;

/// Argon2's working memory, kept between checks.
pub type Memory = Vec<Block>;

/// Bytes of salt in a new hash.
const SALT_LEN: usize = 16;

/// Shortest password accepted for a user, not counting spaces at its ends.
pub const MIN_LENGTH: usize = 8;

/// A hash no password has, with the default parameters: an unknown name is checked against it,
/// so a sign-in takes as long whether or not the name exists.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$0z7IGT8gmxnJa28wDzS0Bg$ua9Q2sqYfizgbVXwrdczqvvrXU6QZDxvTaNzYBIudnE";

/// The lowest zxcvbn score accepted: 2 takes at least a million guesses.
const MIN_SCORE: u8 = 2;

/// Characters the strength estimate looks at (its cost grows fast with the length, and a longer
/// password is not weaker for what comes after).
const SCORED_CHARS: usize = 64;

/// Why a password was refused or could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short, or blank.
    #[error(
        "the password must have at least {MIN_LENGTH} characters, not counting spaces at its ends"
    )]
    TooShort,
    /// The user's own name.
    #[error("the password must not be the user name")]
    SameAsName,
    /// Among the commonest passwords, or as easy to guess.
    #[error("the password is too easy to guess{0}; a few unrelated words make a strong one")]
    TooCommon(String),
    /// The hasher failed.
    #[error("could not hash the password: {0}")]
    Hash(String),
    /// The user could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether `password` may become `username`'s: not blank or short, not the name, and not among
/// the commonest passwords (zxcvbn, with the name as a word it knows).
pub fn check(username: &str, password: &str) -> Result<(), PasswordError> {
    let trimmed = password.trim();
    if trimmed.chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    let name = username.trim();
    if trimmed.to_lowercase() == name.to_lowercase() {
        return Err(PasswordError::SameAsName);
    }
    let scored: String = trimmed.chars().take(SCORED_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&scored, &[name]);
    if (estimate.score() as u8) < MIN_SCORE {
        let why = estimate
            .feedback()
            .and_then(zxcvbn::feedback::Feedback::warning)
            .map(|w| format!(" ({})", w.to_string().trim_end_matches('.').to_lowercase()))
            .unwrap_or_default();
        return Err(PasswordError::TooCommon(why));
    }
    Ok(())
}

/// Hashes a password after checking its length.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    hash_with(password, &mut Memory::new())
}

/// [`hash`], working in `memory`.
pub fn hash_with(password: &str, memory: &mut Memory) -> Result<String, PasswordError> {
    if password.trim().chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    let failed = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    let params = Params::default();
    let argon = Argon2::new(Algorithm::default(), Version::default(), params.clone());
    let salt_bytes = crate::ids::random_bytes(SALT_LEN);
    let salt = Salt::new(&salt_bytes).map_err(|e| failed(&e))?;
    let mut out = [0_u8; Params::DEFAULT_OUTPUT_LEN];
    memory.resize(params.block_count(), Block::new());
    argon
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, &mut memory[..])
        .map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string.
#[must_use]
pub fn verify(password: &str, stored: &str) -> bool {
    verify_with(password, stored, &mut Memory::new())
}

/// [`verify`], working in `memory`; the outputs are compared in constant time.
#[must_use]
pub fn verify_with(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm.as_str()),
    ) else {
        return false;
    };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else {
        return false;
    };
    let mut buffer = [0_u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    memory.resize(params.block_count(), Block::new());
    let argon = Argon2::new(algorithm, version.unwrap_or_default(), params);
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..])
        .is_ok()
        && Output::new(out).is_ok_and(|computed| &computed == expected)
}

/// A random password for a new admin or a reset: 16 characters from the id alphabet.
#[must_use]
pub fn generate() -> String {
    crate::ids::random_string(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn reused_memory_gives_the_same_answers_as_fresh_memory() {
        let mut memory = Memory::new();
        let h = hash_with("correct horse", &mut memory).unwrap();
        assert!(!verify_with("wrong horse", &h, &mut memory));
        assert!(verify_with("correct horse", &h, &mut memory));
        let made_by_argon2 = "$argon2id$v=19$m=19456,t=2,p=1$0z7IGT8gmxnJa28wDzS0Bg$ua9Q2sqYfizgbVXwrdczqvvrXU6QZDxvTaNzYBIudnE";
        assert!(verify_with(
            "pilito-box dummy: no user has this",
            made_by_argon2,
            &mut memory
        ));
        let kept = memory.capacity();
        let small = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$Bv7qK9mYQ9rWmLHlOjxGHA";
        assert!(
            !verify_with("x", small, &mut memory),
            "other parameters work too"
        );
        assert_eq!(
            memory.capacity(),
            kept,
            "the buffer is kept, not reallocated"
        );
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(hash("short"), Err(PasswordError::TooShort)));
        assert!(matches!(hash("        "), Err(PasswordError::TooShort)));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash("correct horse").unwrap();
        let params = |phc: &str| phc.rsplitn(3, '$').nth(2).unwrap().to_owned();
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(!verify("", DUMMY_HASH));
    }

    #[test]
    fn the_policy_refuses_blanks_the_name_and_common_passwords() {
        let refused = |name: &str, pw: &str| check(name, pw).unwrap_err().to_string();
        assert!(refused("sara", "        ").contains("at least 8 characters"));
        assert!(refused("sara", "  short  ").contains("at least 8 characters"));
        assert_eq!(
            refused("Sara.Karimi", "sara.karimi"),
            "the password must not be the user name"
        );
        for common in [
            "password",
            "12345678",
            "password1",
            "iloveyou",
            "qwertyuiop",
        ] {
            assert!(
                refused("sara", common).contains("too easy to guess"),
                "{common}"
            );
        }
        assert!(refused("sara", "sara1234").contains("too easy to guess"));
        assert_eq!(
            refused("sara", "password"),
            "the password is too easy to guess (this is a top-10 common password); a few unrelated words make a strong one"
        );
        for good in ["correct horse battery", "sara-secret-1", "Agent9-pass!"] {
            check("sara", good).unwrap();
        }
        check("sara", &"x".repeat(10_000)).unwrap_err();
    }

    #[test]
    fn generated_passwords_meet_the_policy() {
        for _ in 0..200 {
            check("admin", &generate()).unwrap();
        }
    }
}
