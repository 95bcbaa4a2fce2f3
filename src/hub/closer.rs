//! A one-shot "close this socket" signal that publishers, revocation and shutdown can raise.

use std::sync::{Mutex, PoisonError};

use tokio::sync::Notify;

use super::Frame;

/// How a socket is to be closed: an optional last frame, then a close code and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    /// Sent just before the close frame (the `authentication_error` of a 4001 close).
    pub last_frame: Option<Frame>,
    pub code: u16,
    pub reason: &'static str,
}

impl Close {
    /// A close with no last frame.
    #[must_use]
    pub fn new(code: u16, reason: &'static str) -> Self {
        Self {
            last_frame: None,
            code,
            reason,
        }
    }
}

/// The close signal of one socket; the first close asked for wins.
#[derive(Debug, Default)]
pub struct Closer {
    /// Std mutex: held only to read or set the value, never across `.await`.
    close: Mutex<Option<Close>>,
    notify: Notify,
}

impl Closer {
    /// Asks the socket to close; ignored if a close was already asked for.
    pub fn close(&self, close: Close) {
        let mut slot = self.close.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(close);
            self.notify.notify_one();
        }
    }

    /// The close asked for, if any.
    #[must_use]
    pub fn requested(&self) -> Option<Close> {
        self.close
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until a close is asked for. Cancel-safe: a signal raised while nobody waits is kept.
    pub async fn closed(&self) -> Close {
        loop {
            if let Some(close) = self.requested() {
                return close;
            }
            self.notify.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_close_wins_and_is_not_lost() {
        let closer = Closer::default();
        closer.close(Close::new(1013, "slow"));
        closer.close(Close::new(1001, "shutdown"));
        assert_eq!(closer.closed().await.code, 1013);
    }
}
