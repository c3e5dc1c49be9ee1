//! The crate's one error type.

use std::fmt;

use reqwest::StatusCode;

/// Longest body excerpt an [`Error`] keeps, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// Everything that can go wrong when talking to the PHLO runner.
///
/// Every variant keeps its facts: [`Error::InvalidInput`] names the field and
/// the value (and is returned before any I/O), [`Error::Api`] keeps the HTTP
/// status even when the body is empty, `{}`, HTML or truncated, and
/// [`Error::Transport`] says whether the request may have reached Plivo.
/// Texts kept from the network are scrubbed of this client's credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument or a configuration value was rejected before any request
    /// was sent (also a request that cannot be built, e.g. a URL reqwest
    /// refuses).
    #[error("invalid {field} {}: {reason}", Shown(value))]
    InvalidInput {
        /// The argument or setting, e.g. `to`, `member_address`, `base_url`.
        field: &'static str,
        /// The rejected value (masked for secrets and for an auth_id, which
        /// may be a token passed in the wrong place).
        value: String,
        /// Why it was rejected.
        reason: String,
    },

    /// Plivo (or a proxy in front of it) answered with a non-2xx status, or
    /// refused with a 2xx: a body whose top-level `error` is a non-empty
    /// string (escapes decoded: `"\u0065rror"` is `error`). A 2xx whose
    /// `error` is of another type is an [`Error::Decode`], not a refusal.
    #[error("{}", ApiDisplay { status: *status, api_id: api_id.as_deref(), message: message.as_deref(), body })]
    Api {
        /// The HTTP status, always kept.
        status: StatusCode,
        /// Plivo's `api_id`, when the body carried one.
        api_id: Option<String>,
        /// Plivo's error text (`error` or `message`), when the body carried one.
        message: Option<String>,
        /// The start of the body as received (at most
        /// [`BODY_EXCERPT_LIMIT`] bytes, lossily decoded).
        body: String,
        /// The value of `Retry-After`, when the server sent one.
        retry_after: Option<std::time::Duration>,
        /// The answer's headers, bounded and redacted as
        /// [`ResponseMeta::headers`](crate::ResponseMeta::headers) are
        /// (boxed: the error stays small where it is not an API error).
        headers: Box<reqwest::header::HeaderMap>,
    },

    /// The request could not be completed on the network.
    #[error("{kind} error talking to the PHLO runner ({})", if *may_have_reached_server { "the request may have reached Plivo" } else { "the request did not reach Plivo" })]
    Transport {
        /// What kind of failure it was.
        kind: TransportKind,
        /// `false` only when the request provably never reached the server
        /// (connection refused or never established), so re-sending it cannot
        /// place a second call.
        may_have_reached_server: bool,
        /// The status line, when the failure came after it (a body cut short).
        status: Option<StatusCode>,
        /// The underlying error (its URL removed: paths hold phone numbers).
        #[source]
        source: reqwest::Error,
    },

    /// A 2xx answer whose body is larger than the client's body limit
    /// ([`PhloClientBuilder::max_body_size`](crate::PhloClientBuilder::max_body_size)):
    /// reading stopped at the limit and nothing was decoded.
    #[error(
        "the PHLO runner's {status} answer is larger than the {limit}-byte body limit; it was not read"
    )]
    ResponseTooLarge {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },

    /// A 2xx answer whose body does not match the spec: not the operation's
    /// answer type, fields of the wrong types, or a top-level `error` that
    /// is neither a string nor `null` (`[]`, `{"code": 1}`, `7`). Whether
    /// Plivo acted on the request is unknown.
    #[error("could not decode the {} answer from the PHLO runner: {source} (body: {})", status.map_or_else(|| "success".to_string(), |s| s.to_string()), Shown(body))]
    Decode {
        /// The HTTP status of the answer.
        status: Option<StatusCode>,
        /// The start of the body as received.
        body: String,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
}

/// What kind of network failure a [`Error::Transport`] was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be established (refused, DNS, TLS handshake).
    Connect,
    /// A connect or total timeout expired.
    Timeout,
    /// The connection was reset or closed mid-exchange.
    Reset,
    /// Any other transport failure.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connect",
            TransportKind::Timeout => "timeout",
            TransportKind::Reset => "connection reset",
            TransportKind::Other => "transport",
        })
    }
}

impl Error {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Decode { status, .. } => *status,
            Error::Transport { status, .. } => *status,
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::InvalidInput { .. } => None,
        }
    }

    /// The answer's headers (bounded and redacted), for an [`Error::Api`].
    pub fn headers(&self) -> Option<&reqwest::header::HeaderMap> {
        match self {
            Error::Api { headers, .. } => Some(&**headers),
            _ => None,
        }
    }

    /// Plivo's `api_id` for the failed request, when the body carried one.
    pub fn api_id(&self) -> Option<&str> {
        match self {
            Error::Api { api_id, .. } => api_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the same request could succeed if sent again later: a
    /// transport failure, 408, 429, 502, 503 or 504, the failures a
    /// [`RetryPolicy`](crate::RetryPolicy) retries a GET on (one list for
    /// both). This says nothing about whether a re-send is *safe*: see
    /// [`Error::may_have_reached_server`] before re-sending a POST.
    pub fn is_retryable(&self) -> bool {
        match self {
            // Also when the status line arrived and the body was cut short.
            Error::Transport { .. } => true,
            // 408: RFC 9110 lets the client repeat it. A 500 is the server's
            // own failure, not a passing one: a re-send only delays it.
            Error::Api { status, .. } => matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Whether the request may have reached the server (and so may have
    /// placed or changed a call). `false` only for input errors and for
    /// transport failures that provably happened before the request was sent.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::InvalidInput { .. } => false,
            Error::Transport {
                may_have_reached_server,
                ..
            } => *may_have_reached_server,
            _ => true,
        }
    }

    /// How long the server asked us to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A short label of the kind of failure, with no personal data: what
    /// tracing records (`invalid_input`, `api`, `transport/timeout`, ...).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::Api { .. } => "api",
            Error::Transport { kind, .. } => match kind {
                TransportKind::Connect => "transport/connect",
                TransportKind::Timeout => "transport/timeout",
                TransportKind::Reset => "transport/reset",
                TransportKind::Other => "transport/other",
            },
            Error::Decode { .. } => "decode",
            Error::ResponseTooLarge { .. } => "response_too_large",
        }
    }

    pub(crate) fn invalid(field: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// Shows a value quoted and escaped, cut at 120 characters.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 120;
        match self.0.char_indices().nth(MAX) {
            Some((cut, _)) => write!(f, "{:?}… ({} bytes)", &self.0[..cut], self.0.len()),
            None => write!(f, "{:?}", self.0),
        }
    }
}

struct ApiDisplay<'a> {
    status: StatusCode,
    api_id: Option<&'a str>,
    message: Option<&'a str>,
    body: &'a str,
}

impl fmt::Display for ApiDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PHLO runner answered {}", self.status)?;
        match self.message {
            Some(m) => write!(f, ": {m}")?,
            None if self.body.trim().is_empty() => f.write_str(" with an empty body")?,
            None => write!(f, " (body: {})", Shown(self.body))?,
        }
        if let Some(id) = self.api_id {
            write!(f, " [api_id {id}]")?;
        }
        Ok(())
    }
}

impl From<crate::values::ids::InvalidId> for Error {
    /// As [`Error::InvalidInput`] with field `id`, so `"…".parse::<Id>()?`
    /// works in a function returning this crate's `Error`.
    fn from(e: crate::values::ids::InvalidId) -> Self {
        Error::invalid("id", e.value(), e.reason())
    }
}

impl From<crate::values::address::InvalidAddress> for Error {
    /// As [`Error::InvalidInput`] with field `address`.
    fn from(e: crate::values::address::InvalidAddress) -> Self {
        Error::invalid("address", e.value(), e.reason())
    }
}

impl From<crate::values::ids::InvalidAuthId> for Error {
    /// As [`Error::InvalidInput`] with field `auth_id`, the value masked.
    fn from(e: crate::values::ids::InvalidAuthId) -> Self {
        Error::invalid("auth_id", &e.masked(), e.reason())
    }
}
