//! How many TCP connections each address holds open, capped, so one host cannot take every file
//! descriptor the process has: a connection over the cap is closed as soon as it is accepted.
//! The count is carried by the connection's stream itself, so it lasts through a WebSocket
//! upgrade and ends when the socket is finally dropped.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// How often a refused address is named in the log.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Open connections per address, and the cap.
#[derive(Clone)]
pub struct Slots {
    /// Std lock: held for a map update at accept and at close, never across `.await`.
    open: Arc<Mutex<HashMap<IpAddr, Entry>>>,
    cap: usize,
    exempt: Arc<[IpAddr]>,
}

#[derive(Default)]
struct Entry {
    open: usize,
    warned: Option<Instant>,
}

/// Why a connection was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The address is at its cap; `warn` says whether to log it (at most once a minute).
    Full {
        /// Log this refusal.
        warn: bool,
    },
}

impl Slots {
    /// At most `cap` connections per address (0: no cap); `exempt` addresses (trusted proxies,
    /// which carry many clients) are counted but never refused.
    #[must_use]
    pub fn new(cap: usize, exempt: &[IpAddr]) -> Self {
        Self {
            open: Arc::default(),
            cap,
            exempt: exempt.into(),
        }
    }

    /// Takes a slot for `ip`, or says it has none left.
    pub fn take(&self, ip: IpAddr) -> Result<Slot, Refused> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = open.entry(ip).or_default();
        if self.cap > 0 && entry.open >= self.cap && !self.exempt.contains(&ip) {
            let now = Instant::now();
            let warn = entry.warned.is_none_or(|at| now - at >= WARN_EVERY);
            if warn {
                entry.warned = Some(now);
            }
            return Err(Refused::Full { warn });
        }
        entry.open += 1;
        Ok(Slot {
            slots: self.clone(),
            ip,
        })
    }

    /// Connections `ip` holds open.
    #[must_use]
    pub fn open(&self, ip: IpAddr) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ip)
            .map_or(0, |e| e.open)
    }

    fn release(&self, ip: IpAddr) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = open.get_mut(&ip) {
            entry.open = entry.open.saturating_sub(1);
            if entry.open == 0 {
                open.remove(&ip);
            }
        }
    }
}

/// One connection's place in its address's count; dropping it frees the place.
pub struct Slot {
    slots: Slots,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.release(self.ip);
    }
}

/// A TCP stream holding its slot for as long as it lives.
pub struct Counted {
    stream: TcpStream,
    _slot: Slot,
}

impl Counted {
    /// `stream`, counted by `slot`.
    #[must_use]
    pub fn new(stream: TcpStream, slot: Slot) -> Self {
        Self {
            stream,
            _slot: slot,
        }
    }

    /// The first byte the peer sent, without taking it (`None`: it closed without sending).
    pub async fn first_byte(&self) -> io::Result<Option<u8>> {
        let mut byte = [0_u8; 1];
        let n = self.stream.peek(&mut byte).await?;
        Ok((n == 1).then_some(byte[0]))
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_at_its_cap_is_refused_until_one_closes() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let slots = Slots::new(2, &[proxy]);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.7".parse().unwrap(), "10.0.0.8".parse().unwrap());
        let first = slots.take(a).unwrap();
        let _second = slots.take(a).unwrap();
        assert_eq!(slots.take(a).err(), Some(Refused::Full { warn: true }));
        assert_eq!(slots.take(a).err(), Some(Refused::Full { warn: false }));
        assert!(slots.take(b).is_ok(), "another address is not affected");
        drop(first);
        assert_eq!(slots.open(a), 1);
        let _again = slots.take(a).unwrap();
        let held: Vec<Slot> = (0..5).map(|_| slots.take(proxy).unwrap()).collect();
        assert_eq!(slots.open(proxy), held.len());
        drop(held);
        assert_eq!(slots.open(proxy), 0);
    }
}
