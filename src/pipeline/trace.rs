//! Tracing for the pipeline: one `phlo.request` span per call and events per
//! attempt, retry and failure. Fields hold the operationId, method, path
//! template, status, api_id, duration and the crate's own label of a
//! failure: never a path value (phone numbers, SIP addresses), a URL, a
//! header or the token, unless the client opted in to personal data
//! ([`PhloClientBuilder::record_personal_data`](crate::PhloClientBuilder::record_personal_data)),
//! which adds `url.path`. Without the `tracing` feature, all of it is gone.

use std::time::Duration;

#[cfg(feature = "tracing")]
use std::time::Instant;

use reqwest::{Request, StatusCode};

use super::Config;
use crate::error::Error;

/// Which operation a request is, for tracing: the operationId (or
/// `request` for a raw one) and the path template, never the values.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) struct Label<'a> {
    pub(crate) id: &'a str,
    pub(crate) path: &'a str,
}

/// The span of one call (none when nobody listens), and when it began.
#[derive(Clone)]
pub(crate) struct Trace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    #[cfg(feature = "tracing")]
    started: Option<Instant>,
}

#[cfg(feature = "tracing")]
impl Trace {
    pub(crate) fn start(config: &Config, request: Option<&Request>, label: Label<'_>) -> Trace {
        use tracing::field::Empty;
        let Some(request) = request else {
            // Refused before it was built: nothing is sent, nothing to trace.
            return Trace {
                span: tracing::Span::none(),
                started: None,
            };
        };
        let span = tracing::info_span!(
            target: "plivo_phlo",
            "phlo.request",
            operation_id = label.id,
            method = %request.method(),
            path = label.path,
            status = Empty,
            duration_ms = Empty,
            attempts = Empty,
            api_id = Empty,
            error = Empty,
            url.path = Empty,
        );
        // Nobody listens: no clock, no records, and entering the span at
        // every poll costs nothing.
        if span.is_disabled() {
            return Trace {
                span: tracing::Span::none(),
                started: None,
            };
        }
        if config.personal_data {
            span.record("url.path", request.url().path());
        }
        Trace {
            span,
            started: Some(Instant::now()),
        }
    }

    /// The future inside the span, when there is one (entering a span
    /// nobody listens to still costs a little at every poll).
    pub(crate) fn instrument<F: std::future::Future>(
        self,
        future: F,
    ) -> futures_util::future::Either<tracing::instrument::Instrumented<F>, F> {
        if self.started.is_some() {
            futures_util::future::Either::Left(tracing::Instrument::instrument(future, self.span))
        } else {
            futures_util::future::Either::Right(future)
        }
    }

    pub(crate) fn attempt(&self, attempt: u32) {
        tracing::debug!(target: "plivo_phlo", parent: &self.span, attempt, "sending PHLO request");
        if self.started.is_some() {
            self.span.record("attempts", attempt);
        }
    }

    pub(crate) fn status(&self, status: StatusCode) {
        if self.started.is_some() {
            self.span.record("status", status.as_u16());
        }
    }

    pub(crate) fn wants_api_id(&self) -> bool {
        self.started.is_some()
    }

    /// Records Plivo's `api_id` when it has the shape of Plivo's ids (a
    /// UUID): it is the server's text, and a hostile one could put anything
    /// there, a phone number included.
    pub(crate) fn api_id(&self, api_id: Option<&str>) {
        if let Some(api_id) = api_id.filter(|a| is_uuid(a)) {
            self.span.record("api_id", api_id);
        }
    }

    pub(crate) fn retry(&self, attempt: u32, delay: Duration, err: &Error) {
        tracing::warn!(
            target: "plivo_phlo",
            parent: &self.span,
            attempt,
            delay_ms = delay.as_millis() as u64,
            reason = err.label(),
            status = err.status().map(|s| s.as_u16()),
            "retrying PHLO request"
        );
    }

    pub(crate) fn finish<T>(&self, result: &Result<T, Error>) {
        if let Some(started) = self.started {
            self.span
                .record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
        }
        let Err(err) = result else { return };
        self.span.record("error", err.label());
        let status = err.status().map(|s| s.as_u16());
        let client_error = matches!(err, Error::Api { status, .. } if status.is_client_error() && status.as_u16() != 429);
        if client_error {
            tracing::debug!(target: "plivo_phlo", parent: &self.span, error = err.label(), status, "PHLO request refused");
        } else {
            tracing::warn!(
                target: "plivo_phlo",
                parent: &self.span,
                error = err.label(),
                status,
                may_have_reached_server = err.may_have_reached_server(),
                "PHLO request failed"
            );
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits.
#[cfg(feature = "tracing")]
fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(not(feature = "tracing"))]
impl Trace {
    pub(crate) fn start(_: &Config, _: Option<&Request>, _: Label<'_>) -> Trace {
        Trace {}
    }
    pub(crate) fn instrument<F>(self, future: F) -> F {
        future
    }
    pub(crate) fn attempt(&self, _: u32) {}
    pub(crate) fn status(&self, _: StatusCode) {}
    pub(crate) fn wants_api_id(&self) -> bool {
        false
    }
    pub(crate) fn api_id(&self, _: Option<&str>) {}
    pub(crate) fn retry(&self, _: u32, _: Duration, _: &Error) {}
    pub(crate) fn finish<T>(&self, _: &Result<T, Error>) {}
}
