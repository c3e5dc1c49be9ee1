//! What a [`MockPhlo`](super::MockPhlo) holds, shared by its server task,
//! its routes and the test: [`Shared`] and its [`State`] (scripted faults,
//! added routes, and [`Recorded`] requests in a bounded [`Log`]: a
//! long-running `phlo mock` must not grow without limit).

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicUsize, Ordering},
    },
};

use hyper::body::Bytes;
use reqwest::{Method, StatusCode, header::HeaderMap};

use super::{Call, callbacks::Callbacks, reply::Reply};

#[derive(Default)]
pub(super) struct State {
    pub(super) recorded: Log<Recorded>,
    /// Requests received since the last reset, kept or not.
    pub(super) hits: usize,
    /// Scripted replies: (operationId or route template, or any; how many
    /// more requests; the reply).
    pub(super) faults: Vec<(Option<String>, usize, Reply)>,
    pub(super) routes: Vec<Route>,
}

impl State {
    /// Keeps `request`; its sequence number in the log.
    pub(super) fn record(&mut self, request: Recorded) -> usize {
        self.hits += 1;
        self.recorded.push(request)
    }

    /// The first scripted reply for `target` (or for any request), used up.
    pub(super) fn take_fault(&mut self, target: Option<&str>) -> Option<Reply> {
        let faults = &mut self.faults;
        let at = faults
            .iter()
            .position(|(t, _, _)| t.is_none() || t.as_deref() == target)?;
        faults[at].1 -= 1;
        Some(if faults[at].1 == 0 {
            faults.remove(at).2
        } else {
            faults[at].2.clone()
        })
    }
}

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    /// Each request once it is answered (or dropped), for `subscribe`.
    pub(super) answered: tokio::sync::broadcast::Sender<Recorded>,
    pub(super) auth: String,
    pub(super) auth_id: String,
    pub(super) auth_token: String,
    pub(super) connections: AtomicUsize,
    pub(super) ids: AtomicUsize,
    pub(super) callbacks: Arc<Callbacks>,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the records from the next one.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn next_api_id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::Relaxed);
        format!("00000000-0000-4000-8000-{n:012x}")
    }
}

/// A route added with [`MockPhlo::on`](super::MockPhlo::on).
#[derive(Clone, Debug)]
pub(super) struct Route {
    pub(super) method: Method,
    pub(super) template: String,
    pub(super) reply: Reply,
}

/// How many requests the mock keeps by default; older ones are dropped
/// (see [`MockPhlo::set_record_limit`](super::MockPhlo::set_record_limit)).
pub const DEFAULT_RECORD_LIMIT: usize = 10_000;

/// One request the mock received, in the order received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The path and query exactly as they came on the wire (no decoding),
    /// e.g. `/v1/phlo/…/members/+14152225555`.
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// The operation the request was routed to, with its decoded body.
    pub call: Call,
    /// The status the mock answered with; `None` while the answer is still
    /// delayed, when the client went away before it was sent, or when a
    /// [`Fault::close`](super::Fault::close) / [`Fault::reset`](super::Fault::reset)
    /// sent none.
    pub status: Option<StatusCode>,
}

/// The newest `limit` items (by default [`DEFAULT_RECORD_LIMIT`]), oldest
/// first: the mock's requests and the callbacks it sent. Each has a
/// sequence number that stays valid while older ones are dropped.
pub(super) struct Log<T> {
    kept: VecDeque<T>,
    /// The sequence number of `kept[0]`: how many were dropped or cleared.
    pub(super) first: usize,
    limit: usize,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log {
            kept: VecDeque::new(),
            first: 0,
            limit: DEFAULT_RECORD_LIMIT,
        }
    }
}

impl<T> Log<T> {
    /// Keeps `item`, dropping the oldest past the limit; its sequence number.
    pub(super) fn push(&mut self, item: T) -> usize {
        self.kept.push_back(item);
        self.set_limit(self.limit);
        // Dropping moves `first` on as much as it shortens `kept`.
        self.end() - 1
    }

    /// The sequence number the next item will have.
    pub(super) fn end(&self) -> usize {
        self.first + self.kept.len()
    }

    /// The item with sequence number `seq`, if it is still kept.
    pub(super) fn get(&self, seq: usize) -> Option<&T> {
        self.kept.get(seq.checked_sub(self.first)?)
    }

    pub(super) fn get_mut(&mut self, seq: usize) -> Option<&mut T> {
        self.kept.get_mut(seq.checked_sub(self.first)?)
    }

    /// Forgets every item; sequence numbers go on (an answer still on its
    /// way for a forgotten request finds nothing).
    pub(super) fn clear(&mut self) {
        self.first += self.kept.len();
        self.kept.clear();
    }

    pub(super) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        while self.kept.len() > limit {
            self.kept.pop_front();
            self.first += 1;
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.kept.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_newest_and_sequence_numbers_stay_valid() {
        let mut log = Log::default();
        log.set_limit(2);
        let a = log.push("a");
        let b = log.push("b");
        let c = log.push("c");
        assert!(log.get(a).is_none(), "the oldest was dropped");
        assert_eq!(log.get(b), Some(&"b"));
        assert_eq!(log.get_mut(c), Some(&mut "c"));
        assert!(log.iter().eq(&["b", "c"]));
        log.clear();
        assert!(log.get_mut(c).is_none(), "a late answer finds nothing");
        let d = log.push("d");
        assert_eq!(log.get(d), Some(&"d"));
        log.set_limit(0);
        assert_eq!(log.push("e"), d + 1, "a dropped item still takes a number");
    }
}
