//! [`Reply`]: a scripted answer, for [`MockPhlo::on`](super::MockPhlo::on)
//! routes and, as [`Fault`], for [`MockPhlo::fail_next`](super::MockPhlo::fail_next);
//! the mock's own answers are built the same way.

use std::time::Duration;

use http_body_util::Full;
use hyper::{
    Response,
    body::Bytes,
    header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue},
};
use reqwest::StatusCode;
use serde_json::Value;

/// A scripted answer: a status, a body and headers, optionally delayed; or
/// a connection closed or reset without any answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub(super) kind: Kind,
    body: Bytes,
    headers: HeaderMap,
    pub(super) delay: Duration,
}

/// The name [`Reply`] goes by when it scripts a failure.
pub type Fault = Reply;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Answer with this status.
    Status(StatusCode),
    /// Answer as the mock would, only later.
    Normal,
    /// Close the connection without an answer.
    Close,
    /// Reset the connection (TCP RST) without an answer.
    Reset,
}

impl Reply {
    fn of(kind: Kind) -> Self {
        Reply {
            kind,
            body: Bytes::new(),
            headers: HeaderMap::new(),
            delay: Duration::ZERO,
        }
    }

    /// Answer with `status` and an empty body (an invalid status becomes 500).
    pub fn status(status: u16) -> Self {
        Self::of(Kind::Status(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        ))
    }

    /// Answer normally, but only after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self::of(Kind::Normal).after(delay)
    }

    /// Read the request, then close the connection without answering: the
    /// client sees the connection closed mid-exchange
    /// ([`TransportKind::Reset`](crate::TransportKind::Reset), the request
    /// may have reached the server).
    pub fn close() -> Self {
        Self::of(Kind::Close)
    }

    /// Read the request, then reset the connection (TCP RST) without
    /// answering.
    pub fn reset() -> Self {
        Self::of(Kind::Reset)
    }

    /// The body to send (any bytes: JSON, HTML, truncated JSON).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A JSON body, e.g. Plivo's `{"api_id": "…", "error": "…"}`.
    pub fn json(mut self, body: Value) -> Self {
        self.body = body.to_string().into();
        self.headers
            .append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self
    }

    /// An extra response header, e.g. `Retry-After` (one that is not a
    /// valid header is left out).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.headers.append(name, value);
        }
        self
    }

    /// Waits `delay` before answering (or closing).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The mock's own answer: `status` with `body` as JSON, or with no body
    /// for a 204 or 205 (RFC 9110).
    pub(super) fn answer(status: StatusCode, body: Value) -> Self {
        let reply = Self::of(Kind::Status(status));
        if matches!(status.as_u16(), 204 | 205) {
            reply
        } else {
            reply.json(body)
        }
    }

    /// The response, for a [`Kind::Status`] reply.
    pub(super) fn response(self, status: StatusCode) -> Response<Full<Bytes>> {
        let mut r = Response::new(Full::new(self.body));
        *r.status_mut() = status;
        *r.headers_mut() = self.headers;
        r
    }
}
