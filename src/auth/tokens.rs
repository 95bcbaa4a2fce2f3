//! JSON Web Tokens as PROTOCOL §3.3 defines them: HS512, `user_id`, `type`, `created_at`,
//! `iat`, `exp`, `jti`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids;

/// The two kinds of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Opens sockets and calls the API.
    Access,
    /// Only buys new tokens.
    Refresh,
}

impl TokenKind {
    /// The `type` claim.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

/// Signing and verifying keys made from the workspace secret.
#[derive(Clone)]
pub struct Keys {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
    validation: Arc<Validation>,
}

/// Claims as read back from a verified token; fields may be missing and are checked by callers.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    /// The user id; a string, though an integer is accepted (PROTOCOL §3.3).
    #[serde(default)]
    pub user_id: Option<Value>,
    /// `access` or `refresh`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub jti: Option<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
}

#[derive(Serialize)]
struct NewClaims<'a> {
    user_id: String,
    #[serde(rename = "type")]
    kind: &'a str,
    created_at: String,
    iat: i64,
    exp: i64,
    jti: &'a str,
}

#[derive(Debug, Clone)]
pub struct Signed {
    pub token: String,
    pub jti: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Why a token failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not a JWT, a bad signature or a wrong algorithm.
    #[error("invalid token")]
    Invalid,
    /// Correctly signed but past its `exp`.
    #[error("expired token")]
    Expired,
}

impl Keys {
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS512);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp"]);
        Self {
            encoding: Arc::new(EncodingKey::from_secret(secret)),
            decoding: Arc::new(DecodingKey::from_secret(secret)),
            validation: Arc::new(validation),
        }
    }

    /// Signs a token of `kind` for `user_id` valid for `ttl_secs`.
    pub fn sign(&self, user_id: i64, kind: TokenKind, ttl_secs: u64) -> Result<Signed, String> {
        let now = Utc::now();
        let ttl = i64::try_from(ttl_secs).unwrap_or(i64::MAX / 4);
        let expires_at = now + chrono::Duration::seconds(ttl);
        let jti = ids::random_string(22);
        let claims = NewClaims {
            user_id: user_id.to_string(),
            kind: kind.as_str(),
            created_at: now.format("%Y-%m-%d %H:%M:%S %z").to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: &jti,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims, &self.encoding)
            .map_err(|e| e.to_string())?;
        Ok(Signed {
            token,
            jti,
            expires_at,
        })
    }

    /// Checks signature, algorithm and expiry, and returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => VerifyError::Expired,
                _ => VerifyError::Invalid,
            })
    }
}

impl Claims {
    /// The user id as a number, if the claim is present and numeric.
    #[must_use]
    pub fn user_id(&self) -> Option<Option<i64>> {
        self.user_id.as_ref().map(|v| match v {
            Value::String(s) => s.parse().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.sign(7, TokenKind::Access, 60).unwrap();
        let c = keys.verify(&t.token).unwrap();
        assert_eq!(c.user_id(), Some(Some(7)));
        assert_eq!(c.kind.as_deref(), Some("access"));
        assert_eq!(c.jti.as_deref(), Some(t.jti.as_str()));
    }

    #[test]
    fn another_secret_or_garbage_is_invalid() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let other = Keys::new(b"fedcba9876543210fedcba9876543210");
        let t = other.sign(7, TokenKind::Access, 60).unwrap();
        assert_eq!(keys.verify(&t.token).unwrap_err(), VerifyError::Invalid);
        assert_eq!(keys.verify("nope").unwrap_err(), VerifyError::Invalid);
    }

    #[test]
    fn past_exp_is_expired() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.sign(7, TokenKind::Access, 0).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(keys.verify(&t.token).unwrap_err(), VerifyError::Expired);
    }
}
