//! Checking a name and password, and a new password against the policy. A sign-in costs one
//! argon2 check whether or not the name exists (an unknown one is checked against a dummy hash),
//! so its time does not tell which names are users; and only a real user's name is handed back
//! for the log, so a password typed into the name field never reaches it.

use super::passwords::{self, DUMMY_HASH, PasswordError};
use super::{Auth, AuthError};
use crate::storage::users::{self, UserRow};

/// What a sign-in attempt came to.
#[derive(Debug)]
pub enum SignIn {
    /// The password is an active user's.
    Accepted(UserRow),
    /// The password is right, and the user is deactivated: they are told so (only someone who
    /// knows the password learns it).
    Disabled(UserRow),
    /// Refused; `known` is the user's name when the name given belongs to one, the only name
    /// that may be logged.
    Refused {
        /// The user's name, for the log.
        known: Option<String>,
    },
}

impl Auth {
    /// Checks `password` for the user named (or whose email is) `name`.
    pub async fn sign_in(&self, name: &str, password: String) -> Result<SignIn, AuthError> {
        let lookup = name.to_owned();
        let found = self
            .store
            .read(move |c| match users::find(c, &lookup)? {
                Some(u) => Ok(Some((users::password_hash(c, u.id)?, u))),
                None => Ok(None),
            })
            .await?;
        let (hash, user) = match found {
            Some((hash, user)) => (hash, Some(user)),
            None => (DUMMY_HASH.to_owned(), None),
        };
        let matched = self
            .checks
            .run(move |memory| passwords::verify_with(&password, &hash, memory))
            .await
            .unwrap_or(false);
        Ok(match user {
            Some(user) if matched && user.is_active => SignIn::Accepted(user),
            Some(user) if matched => SignIn::Disabled(user),
            Some(user) => SignIn::Refused {
                known: Some(user.username),
            },
            None => SignIn::Refused { known: None },
        })
    }

    /// Whether `password` is user `user_id`'s current one.
    pub async fn password_matches(
        &self,
        user_id: i64,
        password: String,
    ) -> Result<bool, AuthError> {
        let hash = self
            .store
            .read(move |c| users::password_hash(c, user_id))
            .await?;
        Ok(self
            .checks
            .run(move |memory| passwords::verify_with(&password, &hash, memory))
            .await
            .unwrap_or(false))
    }

    /// Whether `password`, when one is given, may become user `user_id`'s (the policy of
    /// [`passwords::check`], with the user's name).
    pub async fn check_new_password(
        &self,
        user_id: i64,
        password: Option<&str>,
    ) -> Result<(), PasswordError> {
        let Some(password) = password else {
            return Ok(());
        };
        let user = self.store.read(move |c| users::get(c, user_id)).await?;
        passwords::check(&user.username, password)
    }

    /// Hashes a password behind the bound on argon2 work.
    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        self.checks
            .run(move |memory| passwords::hash_with(&password, memory))
            .await
            .unwrap_or_else(|| Err(PasswordError::Hash("the hashing thread failed".into())))
    }
}
