//! A socket's requests still in flight: chat messages queued to the writer whose commit (and
//! publish) the socket has not seen yet. The socket keeps reading while they commit; their ends
//! are taken strictly in the order they were started, so each sender's messages are published,
//! and its replies sent, in the order it sent them.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use crate::hub::Frame;

/// Requests a socket may have in flight before it stops reading (backpressure of its own, on
/// top of the writer's queue).
pub const MAX_IN_FLIGHT: usize = 64;

/// One request in flight: resolves once it is done, to the frame for this socket alone that its
/// end calls for (a duplicate's echo, an error), if any.
pub type Pending = Pin<Box<dyn Future<Output = Option<Frame>> + Send>>;

/// The socket's requests in flight, oldest first. Empty, it holds no allocation, so idle sockets
/// pay only its few words.
#[derive(Default)]
pub struct Pipeline {
    queue: VecDeque<Pending>,
}

impl Pipeline {
    /// Adds a request after every one already in flight.
    pub fn push(&mut self, pending: Pending) {
        self.queue.push_back(pending);
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Whether the socket may read another frame.
    #[must_use]
    pub fn has_room(&self) -> bool {
        self.queue.len() < MAX_IN_FLIGHT
    }

    /// Waits for the oldest request to finish and returns what it calls for; never resolves
    /// when nothing is in flight. Only the oldest is polled: a later write cannot commit
    /// before it anyway, and its publish must not come first.
    pub async fn next(&mut self) -> Option<Frame> {
        let Some(front) = self.queue.front_mut() else {
            return std::future::pending().await;
        };
        let reply = front.await;
        self.queue.pop_front();
        reply
    }

    /// Finishes every request in flight, in order, dropping their frames (the socket is gone).
    pub async fn settle(&mut self) {
        while let Some(front) = self.queue.front_mut() {
            front.await;
            self.queue.pop_front();
        }
    }
}
