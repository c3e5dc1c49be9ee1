//! [`ResponseMeta`]: what a successful answer says beside its typed value
//! (status, headers, `api_id`, elapsed time, attempts, the JSON body), and
//! [`ResponseSlot`], where a call records it; the bounded, redacted copy of
//! an answer's headers that errors keep too.

use std::{
    fmt,
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::{
    StatusCode,
    header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderValue, PROXY_AUTHORIZATION, SET_COOKIE},
};
use serde_json::Value;

use crate::pipeline::scrub::{REDACTED, Secrets};

/// The most headers of an answer that are kept (in the order received).
pub const HEADER_COUNT_LIMIT: usize = 64;
/// The longest header value kept, in bytes; a longer one is dropped.
pub const HEADER_VALUE_LIMIT: usize = 1024;
/// The most bytes of header names and values kept in all.
pub const HEADERS_SIZE_LIMIT: usize = 16 * 1024;

/// The answer's headers, bounded: at most [`HEADER_COUNT_LIMIT`] of them,
/// none longer than [`HEADER_VALUE_LIMIT`], [`HEADERS_SIZE_LIMIT`] in all
/// (the rest dropped); `Authorization`, `Proxy-Authorization`, `Cookie`
/// and `Set-Cookie` (a server or proxy may echo them) and any value holding
/// this client's credentials replaced by `** redacted **`.
pub(crate) fn kept_headers(secrets: &Secrets, headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    let mut size = 0;
    for (name, value) in headers.iter().take(HEADER_COUNT_LIMIT) {
        if value.len() > HEADER_VALUE_LIMIT {
            continue;
        }
        size += name.as_str().len() + value.len();
        if size > HEADERS_SIZE_LIMIT {
            break;
        }
        let secret = [&AUTHORIZATION, &PROXY_AUTHORIZATION, &COOKIE, &SET_COOKIE].contains(&name);
        let value = match value.to_str() {
            _ if secret => HeaderValue::from_static(REDACTED),
            Ok(text) if secrets.bounded(text.to_string(), HEADER_VALUE_LIMIT) != text => {
                HeaderValue::from_static(REDACTED)
            }
            _ => value.clone(),
        };
        kept.append(name.clone(), value);
    }
    kept
}

/// A successful answer's metadata, from a [`ResponseSlot`] given to
/// [`CallOptions::capture_response`](crate::CallOptions::capture_response)
/// or from [`Prepared::send_with_response`](crate::Prepared::send_with_response).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status (`200 OK`, `201 Created`, ...).
    pub status: StatusCode,
    /// The answer's headers, bounded and redacted: at most
    /// [`HEADER_COUNT_LIMIT`], none over [`HEADER_VALUE_LIMIT`] bytes,
    /// [`HEADERS_SIZE_LIMIT`] bytes in all; credentials and cookies read
    /// `** redacted **`.
    pub headers: HeaderMap,
    /// Plivo's `api_id`, when the body carried one.
    pub api_id: Option<String>,
    /// From the first attempt's start to the decoded answer, retries and
    /// their waits included.
    pub elapsed: Duration,
    /// How many times the request was sent (1 without retries).
    pub attempts: u32,
    /// The body as JSON, as received: fields the spec does not describe
    /// (and so the typed value lacks) are here. `null` for an empty body.
    pub body: Value,
}

impl ResponseMeta {
    /// A top-level field of the body, known to the spec or not.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.body.get(name)
    }
}

/// Where calls record their answer's [`ResponseMeta`]: pass it to
/// [`CallOptions::capture_response`](crate::CallOptions::capture_response),
/// then [`take`](Self::take) it after the call. Cheap to clone (clones
/// share the slot); calls made concurrently through one slot overwrite each
/// other, so give each call its own.
#[derive(Clone, Default)]
pub struct ResponseSlot(Arc<Mutex<Option<ResponseMeta>>>);

impl fmt::Debug for ResponseSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResponseSlot").finish_non_exhaustive()
    }
}

impl ResponseSlot {
    /// An empty slot.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last successful answer's metadata, leaving the slot empty.
    pub fn take(&self) -> Option<ResponseMeta> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(crate) fn put(&self, meta: ResponseMeta) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(meta);
    }
}
