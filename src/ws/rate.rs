//! Per-socket frame rate limiting (PROTOCOL §7).

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::MonotonicClock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// A token bucket on the std monotonic clock. governor's default clock calibrates itself
/// (`cpuid`) each time one is made: a tenth of the server's time in a connect storm.
type Bucket = RateLimiter<NotKeyed, InMemoryState, MonotonicClock, NoOpMiddleware<Instant>>;

/// Per-socket frame rate: a token bucket, an error frame when it first runs dry, and a 1008
/// close when the client keeps going (PROTOCOL §7).
pub(super) struct FrameRate {
    bucket: Bucket,
    strikes: u32,
    max_strikes: u32,
    last_strike: Option<Instant>,
}

pub(super) enum Admission {
    Accept,
    /// Drop it and send the one "Rate limit exceeded" error of this episode.
    Warn,
    /// Drop it silently.
    Drop,
    /// The client kept going: close with 1008.
    Close,
}

impl FrameRate {
    pub(super) fn new(per_second: u32, burst: u32) -> Self {
        let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            bucket: RateLimiter::direct_with_clock(
                Quota::per_second(rate).allow_burst(burst),
                MonotonicClock,
            ),
            strikes: 0,
            max_strikes: burst.get(),
            last_strike: None,
        }
    }

    pub(super) fn admit(&mut self) -> Admission {
        if self.bucket.check().is_ok() {
            if self
                .last_strike
                .is_some_and(|t| t.elapsed() >= Duration::from_secs(1))
            {
                self.strikes = 0;
                self.last_strike = None;
            }
            return Admission::Accept;
        }
        self.strikes += 1;
        self.last_strike = Some(Instant::now());
        match self.strikes {
            1 => Admission::Warn,
            n if n > self.max_strikes => Admission::Close,
            _ => Admission::Drop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_warning_then_a_close() {
        let mut rate = FrameRate::new(1, 3);
        for _ in 0..3 {
            assert!(matches!(rate.admit(), Admission::Accept));
        }
        assert!(matches!(rate.admit(), Admission::Warn));
        for _ in 0..2 {
            assert!(matches!(rate.admit(), Admission::Drop));
        }
        assert!(matches!(rate.admit(), Admission::Close));
    }
}
