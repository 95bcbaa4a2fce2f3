//! A request body with deadlines: it must arrive at a least rate (after a second's grace) and
//! whole within a total time, counted from the end of the request head. A client that sends a
//! `Content-Length` and then trickles or withholds the bytes gets an error instead of holding its
//! connection (and a handler) for as long as it likes.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep};
use warp::hyper::body::{Body, Bytes, Frame, SizeHint};

/// Time a body gets before its rate counts, for the first bytes to arrive.
const GRACE: Duration = Duration::from_secs(1);

/// How fast and how soon a request body must arrive.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// The whole body within this time.
    pub total: Duration,
    /// At least this many bytes a second, on average (0: no rate).
    pub min_bytes_per_sec: u64,
}

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The connection failed or the client broke the framing.
    #[error(transparent)]
    Read(#[from] warp::hyper::Error),
    /// The client sent too slowly, or not at all.
    #[error("the request body did not arrive in time")]
    TooSlow,
}

/// `inner`, cut off when it arrives too slowly.
pub struct Deadline<B> {
    inner: B,
    limits: BodyLimits,
    started: Instant,
    received: u64,
    timer: Pin<Box<Sleep>>,
    expired: Arc<AtomicBool>,
}

impl<B> Deadline<B> {
    /// Starts the clock on `inner` now; `expired` turns true when the body is cut off.
    pub fn new(inner: B, limits: BodyLimits, expired: Arc<AtomicBool>) -> Self {
        let started = Instant::now();
        let mut body = Self {
            inner,
            limits,
            started,
            received: 0,
            timer: Box::pin(tokio::time::sleep_until(started)),
            expired,
        };
        let next = body.next_deadline();
        body.timer.as_mut().reset(next);
        body
    }

    /// When the next byte is due: by the rate for what has come so far, and never later than the
    /// total deadline.
    fn next_deadline(&self) -> Instant {
        let total = self.started + self.limits.total;
        if self.limits.min_bytes_per_sec == 0 {
            return total;
        }
        let owed = Duration::from_millis(
            self.received.saturating_add(1).saturating_mul(1000) / self.limits.min_bytes_per_sec,
        );
        total.min(self.started + GRACE + owed)
    }
}

impl<B> Body for Deadline<B>
where
    B: Body<Data = Bytes, Error = warp::hyper::Error> + Unpin,
{
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let next = this.next_deadline();
                    this.timer.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.expired.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(BodyError::TooSlow)))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(total: u64, rate: u64) -> Deadline<()> {
        let limits = BodyLimits {
            total: Duration::from_secs(total),
            min_bytes_per_sec: rate,
        };
        Deadline::new((), limits, Arc::default())
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_deadline_grows_with_what_arrived_and_stops_at_the_total() {
        let mut b = body(30, 1000);
        assert_eq!(
            b.next_deadline() - b.started,
            GRACE + Duration::from_millis(1)
        );
        b.received = 4_999;
        assert_eq!(
            b.next_deadline() - b.started,
            GRACE + Duration::from_secs(5)
        );
        b.received = 1_000_000;
        assert_eq!(b.next_deadline() - b.started, Duration::from_secs(30));
        let no_rate = body(7, 0);
        assert_eq!(
            no_rate.next_deadline() - no_rate.started,
            Duration::from_secs(7)
        );
    }
}
