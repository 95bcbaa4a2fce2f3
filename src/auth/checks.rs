//! The bound on argon2 work: each check needs about 19 MiB and a core for tens of milliseconds,
//! so a burst of sign-ins from several addresses would otherwise take the memory of an office PC
//! (70 at once took it from 206 MB to 1,956 MB) and keep it, as the allocator holds on to what
//! each of the many blocking threads used. Here one long-lived thread per core (at most four)
//! runs the checks one after another in a working memory it keeps, so at most that many run at
//! once and the memory they need is allocated once per thread; others wait their turn in a queue.

use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tokio::sync::oneshot;

use super::passwords::Memory;

/// Most checks at once, whatever the core count.
const MOST: usize = 4;

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// Runs password hashing and verification, a few at a time.
#[derive(Clone)]
pub struct Checks {
    size: usize,
    /// The workers' queue, started at the first check; `None` if no thread could start.
    queue: Arc<OnceLock<Option<Sender<Job>>>>,
}

impl Default for Checks {
    fn default() -> Self {
        Self::new(
            std::thread::available_parallelism()
                .map_or(2, NonZeroUsize::get)
                .min(MOST),
        )
    }
}

impl Checks {
    /// At most `size` checks at once (at least one).
    #[must_use]
    pub fn new(size: usize) -> Self {
        Self {
            size: size.max(1),
            queue: Arc::default(),
        }
    }

    /// Runs `job` in a worker's memory once one is free; `None` if the workers could not start
    /// or the job panicked.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Option<T> {
        let queue = self.queue.get_or_init(|| start(self.size)).as_ref()?;
        let (done, result) = oneshot::channel();
        queue
            .send(Box::new(move |memory: &mut Memory| {
                let _ = done.send(job(memory));
            }))
            .ok()?;
        result.await.ok()
    }
}

/// Starts `size` workers on one queue; they end when every sender is gone.
fn start(size: usize) -> Option<Sender<Job>> {
    let (queue, jobs) = mpsc::channel::<Job>();
    let jobs = Arc::new(Mutex::new(jobs));
    for n in 0..size {
        let jobs = Arc::clone(&jobs);
        let worker = move || {
            let mut memory = Memory::new();
            loop {
                // The lock is held only while waiting for the next job, never while running it.
                let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok(job) = next else { return };
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
            }
        };
        std::thread::Builder::new()
            .name(format!("password check {n}"))
            .spawn(worker)
            .ok()?;
    }
    Some(queue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn no_more_than_the_bound_run_at_once() {
        let checks = Checks::new(2);
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs = (0..8).map(|_| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            checks.run(move |_| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        });
        let done = futures_util::future::join_all(jobs).await;
        assert!(done.iter().all(Option::is_some));
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
