//! What happens around every request: the hooks the generated client runs, the
//! mapping of its errors onto [`Error`], and the retry loop.
//!
//! progenitor loses the HTTP status when an error body does not match the error
//! schema (empty, HTML, truncated), and never hands the raw body back. The
//! `exec` hook therefore notes the status, `Retry-After` and, for non-2xx
//! answers, an excerpt of the body in a task-local slot that the wrapper opened
//! for this one call. Concurrent calls each see only their own slot.

use std::{cell::RefCell, future::Future, io, time::Duration};

use http_body_util::BodyExt;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::{Method, StatusCode, header::RETRY_AFTER};

use crate::{
    error::{Error, TransportKind, excerpt},
    generated::{self, types},
    retry::RetryPolicy,
};

/// What the `exec` hook saw of one answer.
#[derive(Debug, Default)]
struct Seen {
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    body: Option<String>,
    /// The request's span, so the wrapper can add Plivo's `api_id` once the
    /// body is decoded.
    #[cfg(feature = "tracing")]
    span: Option<tracing::Span>,
}

tokio::task_local! {
    // Boxed: the slot is swapped in and out of thread-local storage at every
    // poll, and a pointer is cheaper to move than the struct.
    static SEEN: Box<RefCell<Seen>>;
}

// progenitor's `api-version` header is never added: build.rs drops it from
// the generated client, so `pre` keeps its default (nothing).
//
// The hooks below are plain functions returning small futures: everything
// that can happen before the first await happens outside the `async` block,
// so each in-flight call's state holds little more than reqwest's own.
impl ClientHooks for generated::Client {
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        #[cfg(feature = "tracing")]
        {
            use tracing::{Instrument, field::Empty};
            // Only these fields are recorded: never a header, never the token.
            let span = tracing::info_span!(
                "phlo.request",
                operation_id = info.operation_id,
                method = %request.method(),
                path = crate::spec::template(info.operation_id),
                status = Empty,
                duration_ms = Empty,
                api_id = Empty,
                error = Empty,
            );
            // No subscriber listens: no clock, no records, and a span whose
            // enter/exit at every poll costs nothing. (tracing's `log`
            // fallback, when a dependency turns it on, still sees the span
            // being created.)
            let span = if span.is_disabled() {
                tracing::Span::none()
            } else {
                span
            };
            let started = (!span.is_none()).then(std::time::Instant::now);
            let sent = execute(self.client(), request).instrument(span.clone());
            async move {
                let result = sent.await;
                if let Some(started) = started {
                    span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
                    match &result {
                        Ok(response) => span.record("status", response.status().as_u16()),
                        Err(e) => span.record("error", tracing::field::display(e)),
                    };
                    let _ = SEEN.try_with(|seen| seen.borrow_mut().span = Some(span));
                }
                result
            }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = info;
            execute(self.client(), request)
        }
    }
}

/// Sends the request and notes what came back (see [`note`]).
fn execute(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> + use<> {
    #[cfg(fuzzing)]
    let canned = crate::fuzzing::take();
    // Nothing is sent until the returned future is polled.
    let pending = client.execute(request);
    async move {
        #[cfg(fuzzing)]
        let response = match canned {
            Some(canned) => {
                drop(pending);
                canned
            }
            None => pending.await?,
        };
        #[cfg(not(fuzzing))]
        let response = pending.await?;
        if note(&response) {
            // Rare: boxed so it does not size every call's future.
            Box::pin(buffer_error_body(response)).await
        } else {
            Ok(response)
        }
    }
}

/// Longest error body kept for decoding; the rest is dropped unread.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Notes the status and `Retry-After` in this call's slot, if a wrapper
/// opened one. True when the body should be kept too (a non-2xx answer
/// inside a wrapper call).
fn note(response: &reqwest::Response) -> bool {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(parse_retry_after);
    // Outside a wrapper call (plain `generated()` use) there is no slot.
    let open = SEEN
        .try_with(|seen| {
            let mut seen = seen.borrow_mut();
            seen.status = Some(status);
            seen.retry_after = retry_after;
        })
        .is_ok();
    open && !status.is_success()
}

/// Buffers a non-2xx body (bounded) so its excerpt survives decoding, and
/// hands the response on with the buffered bytes.
async fn buffer_error_body(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let (parts, mut body) = http::Response::from(response).into_parts();
    let mut buffered = Vec::new();
    while buffered.len() < ERROR_BODY_LIMIT {
        match body.frame().await.transpose()? {
            Some(frame) => {
                if let Ok(data) = frame.into_data() {
                    buffered.extend_from_slice(&data);
                }
            }
            None => break,
        }
    }
    buffered.truncate(ERROR_BODY_LIMIT);
    let bytes = bytes::Bytes::from(buffered);
    let _ = SEEN.try_with(|seen| seen.borrow_mut().body = Some(excerpt(&bytes)));
    Ok(reqwest::Response::from(http::Response::from_parts(
        parts, bytes,
    )))
}

/// How the generated client decodes every JSON answer (build.rs points
/// `ResponseValue::from_response` here): the same steps and errors as
/// progenitor's, but the headers are moved rather than cloned, and the
/// future is a fraction of the size.
pub(crate) fn from_response<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = http::Response::from(response).into_body();
    async move {
        let full = body
            .collect()
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?
            .to_bytes();
        let inner = serde_json::from_slice(&full)
            .map_err(|e| progenitor_client::Error::InvalidResponsePayload(full, e))?;
        Ok(ResponseValue::new(inner, status, headers))
    }
}

/// Parses `Retry-After` as delay-seconds or as an HTTP-date.
pub(crate) fn parse_retry_after(value: &reqwest::header::HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A decoded success that may still carry Plivo's refusal (`error` non-empty).
pub(crate) trait Answer {
    /// Plivo's id for the request, when the answer carries one.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    fn api_id(&self) -> Option<&str>;

    /// `(api_id, error)` when the 2xx answer says the action was not done.
    fn refusal(&self) -> Option<(&str, &str)> {
        None
    }
}

impl Answer for types::ActionResponse {
    fn api_id(&self) -> Option<&str> {
        Some(&self.api_id)
    }
    fn refusal(&self) -> Option<(&str, &str)> {
        refusal(&self.api_id, self.error.as_deref())
    }
}

impl Answer for types::RunPhloResponse {
    fn api_id(&self) -> Option<&str> {
        Some(&self.api_id)
    }
    fn refusal(&self) -> Option<(&str, &str)> {
        refusal(&self.api_id, self.error.as_deref())
    }
}

impl Answer for types::Phlo {
    fn api_id(&self) -> Option<&str> {
        self.api_id.as_deref()
    }
}

impl Answer for types::PhloRun {
    fn api_id(&self) -> Option<&str> {
        self.api_id.as_deref()
    }
}

impl Answer for types::Node {
    fn api_id(&self) -> Option<&str> {
        self.api_id.as_deref()
    }
}

fn refusal<'a>(api_id: &'a str, error: Option<&'a str>) -> Option<(&'a str, &'a str)> {
    error.filter(|e| !e.trim().is_empty()).map(|e| (api_id, e))
}

type Generated<T> = Result<ResponseValue<T>, progenitor_client::Error<types::ApiError>>;

/// Runs one operation through the generated client, maps the outcome onto
/// [`Error`], and retries it as `policy` allows for `method`.
pub(crate) async fn send<T, F, Fut>(
    policy: &RetryPolicy,
    method: Method,
    call: F,
) -> Result<T, Error>
where
    T: Answer,
    F: Fn() -> Fut,
    Fut: Future<Output = Generated<T>>,
{
    // The backoff schedule is only built once a retry is actually needed.
    let mut delays = None;
    loop {
        // The generated future is created inside the scope's block and lives
        // only in its await slot: passed in by value it would be stored
        // twice, and copied through every layer.
        let (result, seen) = SEEN
            .scope(Box::new(RefCell::new(Seen::default())), async {
                let result = call().await;
                (result, SEEN.with(|s| std::mem::take(&mut *s.borrow_mut())))
            })
            .await;
        #[cfg(feature = "tracing")]
        let span = seen.span.clone();
        let outcome = match result {
            Ok(value) => accept(value),
            // A status the spec does not list: its body still has to be
            // read. Boxed, so this rare path does not size every call.
            Err(progenitor_client::Error::UnexpectedResponse(response)) => {
                Err(Box::pin(unexpected(response, seen)).await)
            }
            Err(err) => Err(map_error(err, seen)),
        };
        #[cfg(feature = "tracing")]
        record_api_id(span, &outcome);
        let err = match outcome {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        // Boxed: a retry is rare, and the schedule would otherwise add its
        // size to every call's future.
        let delays = delays.get_or_insert_with(|| Box::new(policy.delays()));
        match policy.next_delay(&method, &err, delays) {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return Err(err),
        }
    }
}

/// Adds Plivo's `api_id` (of the answer or of the error) to the request's span.
#[cfg(feature = "tracing")]
fn record_api_id<T: Answer>(span: Option<tracing::Span>, outcome: &Result<T, Error>) {
    if let Some(span) = span {
        let api_id = match outcome {
            Ok(value) => value.api_id(),
            Err(e) => e.api_id(),
        };
        if let Some(api_id) = api_id {
            span.record("api_id", api_id);
        }
    }
}

/// A 2xx answer, unless its body says the action was refused.
fn accept<T: Answer>(value: ResponseValue<T>) -> Result<T, Error> {
    let status = value.status();
    let value = value.into_inner();
    match value.refusal() {
        Some((api_id, message)) => Err(Error::Api {
            status,
            api_id: Some(api_id.to_string()),
            message: Some(message.to_string()),
            body: String::new(),
            retry_after: None,
        }),
        None => Ok(value),
    }
}

/// An answer whose status the spec does not list for the operation.
async fn unexpected(response: reqwest::Response, seen: Seen) -> Error {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(parse_retry_after);
    let body = match response.bytes().await {
        Ok(b) => excerpt(&b),
        Err(_) => seen.body.unwrap_or_default(),
    };
    Error::Api {
        status,
        api_id: None,
        message: None,
        body,
        retry_after,
    }
}

fn map_error(err: progenitor_client::Error<types::ApiError>, seen: Seen) -> Error {
    use progenitor_client::Error as G;
    match err {
        G::ErrorResponse(rv) => {
            let status = rv.status();
            let retry_after = rv.headers().get(RETRY_AFTER).and_then(parse_retry_after);
            let body = seen.body.unwrap_or_default();
            let e = rv.into_inner();
            let message = e.error.or(e.message).filter(|m| !m.trim().is_empty());
            Error::Api {
                status,
                api_id: e.api_id.filter(|a| !a.is_empty()),
                message,
                body,
                retry_after,
            }
        }
        G::InvalidResponsePayload(bytes, source) => match seen.status {
            Some(status) if !status.is_success() => Error::Api {
                status,
                api_id: None,
                message: None,
                body: excerpt(&bytes),
                retry_after: seen.retry_after,
            },
            status => Error::Decode {
                status,
                body: excerpt(&bytes),
                source,
            },
        },
        // A body cut short is never a connect error, so `classify` already
        // says it may have reached the server.
        G::CommunicationError(source)
        | G::InvalidUpgrade(source)
        | G::ResponseBodyError(source) => transport(source, seen.status),
        G::UnexpectedResponse(response) => Error::Api {
            // Read by `unexpected` on the wrapper's path; kept total here.
            status: response.status(),
            api_id: None,
            message: None,
            body: seen.body.unwrap_or_default(),
            retry_after: seen.retry_after,
        },
        G::InvalidRequest(reason) | G::Custom(reason) => Error::InvalidInput {
            field: "request",
            value: String::new(),
            reason,
        },
    }
}

fn transport(source: reqwest::Error, status: Option<StatusCode>) -> Error {
    let (kind, may_have_reached_server) = classify(&source);
    Error::Transport {
        kind,
        may_have_reached_server,
        status,
        source,
    }
}

/// Sorts a reqwest failure and says whether the request may have been sent.
fn classify(e: &reqwest::Error) -> (TransportKind, bool) {
    if e.is_connect() {
        // No connection was made, so nothing was sent.
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Connect
        };
        return (kind, false);
    }
    if e.is_timeout() {
        return (TransportKind::Timeout, true);
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cause {
        let io_reset = c.downcast_ref::<io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
            )
        });
        let hyper_closed = c
            .downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_incomplete_message() || h.is_closed() || h.is_canceled());
        if io_reset || hyper_closed {
            return (TransportKind::Reset, true);
        }
        cause = c.source();
    }
    (TransportKind::Other, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("120")),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static(" 3 ")),
            Some(Duration::from_secs(3))
        );
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(90));
        let parsed = parse_retry_after(&HeaderValue::from_str(&later).unwrap()).unwrap();
        assert!(
            parsed > Duration::from_secs(85) && parsed <= Duration::from_secs(90),
            "{parsed:?}"
        );
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&HeaderValue::from_static("soon")), None);
        assert_eq!(parse_retry_after(&HeaderValue::from_static("-1")), None);
    }
}
