//! [`Reply`]: a scripted answer, for [`MockPhlo::on`](super::MockPhlo::on)
//! routes and, as [`Fault`], for [`MockPhlo::fail_next`](super::MockPhlo::fail_next).

use std::{str::FromStr, time::Duration};

use http_body_util::Full;
use hyper::{Response, body::Bytes};
use reqwest::StatusCode;
use serde_json::Value;

/// A scripted answer: a status, a body and headers, optionally delayed; or
/// a connection closed or reset without any answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub(super) kind: Kind,
    body: Bytes,
    headers: Vec<(String, String)>,
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
            headers: Vec::new(),
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
            .push(("content-type".into(), "application/json".into()));
        self
    }

    /// An extra response header, e.g. `Retry-After`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits `delay` before answering (or closing).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The response, for a [`Kind::Status`] reply.
    pub(super) fn response(&self, status: StatusCode) -> Response<Full<Bytes>> {
        let mut r = Response::new(Full::new(self.body.clone()));
        *r.status_mut() = status;
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                hyper::header::HeaderName::from_str(name),
                hyper::header::HeaderValue::from_str(value),
            ) {
                r.headers_mut().append(n, v);
            }
        }
        r
    }
}
