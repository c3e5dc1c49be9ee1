//! [`CallOptions`]: per-call settings over the client's (timeout, retry
//! policy, extra headers, body limit, fields the spec does not know yet),
//! which the pipeline applies to each request; and [`capture`], the one way
//! a call records its answer's metadata.

use std::{fmt, time::Duration};

use reqwest::{
    Request,
    header::{HeaderName, HeaderValue},
};
use serde_json::{Map, Value};

use super::{
    meta::{ResponseMeta, ResponseSlot},
    retry::RetryPolicy,
};
use crate::error::Error;

/// Runs `call` with `options` (none: the client's settings) that record the
/// answer's metadata, and returns the value with the metadata of the last
/// answer read. A call that read no answer through them is an error that
/// says so (`missing`).
pub(crate) async fn capture<T>(
    options: CallOptions,
    call: impl AsyncFnOnce(CallOptions) -> Result<T, Error>,
    missing: &'static str,
) -> Result<(T, ResponseMeta), Error> {
    let slot = ResponseSlot::new();
    let value = call(options.capture_response(&slot)).await?;
    let meta = slot
        .take()
        .ok_or_else(|| Error::invalid("response", "", missing))?;
    Ok((value, meta))
}

/// Headers a call may not set: the credentials are the client's
/// (`Authorization`, `Proxy-Authorization`), the framing and routing are
/// reqwest's (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`),
/// and `User-Agent` says which SDK sent the request (Plivo's support reads
/// it).
pub const REFUSED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "user-agent",
];

/// Settings for the calls made through
/// [`PhloClient::with_options`](crate::PhloClient::with_options), over the client's own: every layer
/// (wrappers, [`operations`](crate::PhloClient::operations),
/// [`request`](crate::PhloClient::request), [`Prepared::send`](crate::Prepared::send))
/// honours them, and the connection pool is the client's.
///
/// Everything here is checked before any I/O: a header with a bad name or
/// value, a refused header ([`REFUSED_HEADERS`], or one the request already
/// carries: `Accept`, `Content-Type`), an extra body or query field that
/// would overwrite one the typed request sets, or extra body that is not a
/// JSON object, is an [`Error::InvalidInput`] and nothing is sent. Header
/// values and extra fields are never traced.
///
/// ```
/// use std::time::Duration;
/// use plivo_phlo::{CallOptions, RetryPolicy};
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(3))
///     .retry(RetryPolicy::none())
///     .header("X-Request-Id", "7f3c")
///     .extra_body(serde_json::json!({"ring_timeout": 20}))
///     .extra_query("trace", "1");
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) body_limit: Option<usize>,
    headers: Vec<(String, String)>,
    extra_body: Map<String, Value>,
    extra_query: Vec<(String, String)>,
    /// Extra body given as something other than an object.
    bad_extra_body: Option<String>,
    pub(crate) slot: Option<ResponseSlot>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values may be tokens or personal data.
        let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.body_limit)
            .field("headers", &names(&self.headers))
            .field("extra_body", &self.extra_body.keys().collect::<Vec<_>>())
            .field("extra_query", &names(&self.extra_query))
            .field("captures_response", &self.slot.is_some())
            .finish()
    }
}

impl CallOptions {
    /// No settings: the client's own apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limit on the whole request, connect to last body byte, in place of
    /// the client's [`timeout`](crate::PhloClientBuilder::timeout) (each
    /// attempt, when the retry policy allows several).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy, in place of the client's. Still bounded by the
    /// rule that a POST is never sent twice unless it provably did not
    /// reach Plivo.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Limit on the answer's body in bytes, in place of the client's
    /// [`max_body_size`](crate::PhloClientBuilder::max_body_size).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// An extra request header (repeat for more; a name given twice is
    /// sent twice). Checked when the call is made: see [`CallOptions`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Members merged into the JSON body: fields the spec does not know
    /// yet. Must be a JSON object (repeat to add more members; a later
    /// member of the same name wins); a member the typed request already
    /// sets is refused when the call is made, as is extra body on an
    /// operation without a JSON body.
    pub fn extra_body(mut self, members: Value) -> Self {
        match members {
            Value::Object(map) => self.extra_body.extend(map),
            other => self.bad_extra_body = Some(other.to_string()),
        }
        self
    }

    /// A query parameter the spec does not know yet, appended to the URL;
    /// a name the typed request already sends is refused when the call is
    /// made.
    pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((name.into(), value.into()));
        self
    }

    /// Records each successful answer's metadata in `slot`
    /// ([`ResponseMeta`](crate::ResponseMeta): status, headers, `api_id`,
    /// elapsed time, attempts, and the body as JSON with the fields the
    /// spec does not describe). Only then is the metadata gathered: a call
    /// without it costs nothing.
    pub fn capture_response(mut self, slot: &ResponseSlot) -> Self {
        self.slot = Some(slot.clone());
        self
    }

    /// The slot given to [`capture_response`](Self::capture_response), if any.
    pub fn response_slot(&self) -> Option<&ResponseSlot> {
        self.slot.as_ref()
    }

    /// The settings that act at send time (timeout, retry, body limit,
    /// slot) without the request edits: for a request they were applied to
    /// already ([`Prepared`](crate::Prepared)).
    pub(crate) fn settings(&self) -> CallOptions {
        CallOptions {
            timeout: self.timeout,
            retry: self.retry.clone(),
            body_limit: self.body_limit,
            slot: self.slot.clone(),
            ..CallOptions::default()
        }
    }

    /// The request with these options applied, or why it cannot be sent.
    pub(crate) fn apply(&self, mut request: Request) -> Result<Request, Error> {
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        // The request's own headers, before any of these is added (a
        // name given twice is sent twice).
        if !self.headers.is_empty() {
            let own = request.headers().clone();
            for (name, value) in &self.headers {
                let (name, value) = header_pair(name, value)?;
                if own.contains_key(&name) {
                    return Err(Error::invalid(
                        "header",
                        name.as_str(),
                        "is set by the request itself",
                    ));
                }
                request.headers_mut().append(name, value);
            }
        }
        if let Some(bad) = &self.bad_extra_body {
            return Err(Error::invalid(
                "extra_body",
                bad,
                "must be a JSON object (its members are merged into the body)",
            ));
        }
        if !self.extra_body.is_empty() {
            merge_body(&mut request, &self.extra_body)?;
        }
        if !self.extra_query.is_empty() {
            let url = request.url_mut();
            if let Some((name, _)) = self
                .extra_query
                .iter()
                .find(|(name, _)| url.query_pairs().any(|(n, _)| n == name.as_str()))
            {
                return Err(Error::invalid(
                    "extra_query",
                    name,
                    "is a query parameter the request already sends",
                ));
            }
            url.query_pairs_mut().extend_pairs(&self.extra_query);
        }
        Ok(request)
    }
}

/// A header as configuration checks one: a valid name and value, not one
/// of [`REFUSED_HEADERS`].
fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid("header", name, "is not a valid header name"))?;
    if REFUSED_HEADERS.contains(&header.as_str()) {
        return Err(Error::invalid(
            "header",
            name,
            "may not be set per call (the client sets it)",
        ));
    }
    let value = HeaderValue::from_str(value).map_err(|_| Error::InvalidInput {
        field: "header",
        value: name.to_string(),
        reason: "has a value that is not valid in a header (control characters or non-ASCII)"
            .into(),
    })?;
    Ok((header, value))
}

/// The JSON body with `extra` merged in, or why it cannot be.
fn merge_body(request: &mut Request, extra: &Map<String, Value>) -> Result<(), Error> {
    let refused = |reason: &str| Error::invalid("extra_body", "", reason.to_string());
    let bytes = request
        .body()
        .and_then(|b| b.as_bytes())
        .ok_or_else(|| refused("is for operations with a JSON body; this one has none"))?;
    let mut body: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|_| refused("is for operations with a JSON object body"))?;
    for (name, value) in extra {
        if body.contains_key(name) {
            return Err(Error::invalid(
                "extra_body",
                name,
                "would overwrite a field the typed request sets",
            ));
        }
        body.insert(name.clone(), value.clone());
    }
    let bytes = serde_json::to_vec(&body).map_err(|e| refused(&e.to_string()))?;
    *request.body_mut() = Some(bytes.into());
    Ok(())
}
