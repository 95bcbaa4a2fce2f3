//! The certificate every handshake gets: one slot the upkeep replaces, so a renewed or reloaded
//! certificate is served from the next handshake on, without a restart.

use std::sync::{Arc, PoisonError, RwLock};

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use super::certs::Served;

/// The certificate being served.
#[derive(Debug)]
pub struct Current {
    /// Std lock: read once per handshake to clone an `Arc`, written at renewal; never held
    /// across `.await`.
    served: RwLock<Served>,
}

impl Current {
    /// Serves `served` until [`Current::set`] replaces it.
    #[must_use]
    pub fn new(served: Served) -> Self {
        Self {
            served: RwLock::new(served),
        }
    }

    /// What is being served now.
    #[must_use]
    pub fn get(&self) -> Served {
        self.served
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Serves `served` from the next handshake on.
    pub fn set(&self, served: Served) {
        *self.served.write().unwrap_or_else(PoisonError::into_inner) = served;
    }
}

impl ResolvesServerCert for Current {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.served
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .key
                .clone(),
        )
    }
}
