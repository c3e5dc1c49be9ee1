//! The one pipeline every guarded operation, wrapper and raw request runs
//! through: send, read the answer (bounded), map it onto [`Error`] or the
//! typed result, and retry as the [`RetryPolicy`] allows for the method.
//!
//! The request arrives built (by the generated request builders or by
//! [`PhloClient::request`](crate::PhloClient::request)); nothing here knows
//! an operation by name, so an operation added to the spec gets all of it.

pub(crate) mod meta;
pub(crate) mod options;
pub(crate) mod read;
pub(crate) mod retry;
pub(crate) mod scrub;
pub(crate) mod trace;

use std::{
    future::Future,
    io,
    sync::{Arc, Mutex, PoisonError},
    time::Instant,
};

use backon::Retryable;
use reqwest::{
    Request, StatusCode,
    header::{HeaderMap, RETRY_AFTER},
};
use serde::de::DeserializeOwned;

use crate::{
    error::{Error, TransportKind},
    spec::Operation,
    values::ids::AuthId,
};
use meta::ResponseSlot;
use options::CallOptions;
use read::Read;
use retry::{RetryPolicy, may_resend, parse_retry_after};
use scrub::Secrets;
use trace::{Label, Trace};

/// The URL of each of the spec's servers ([`crate::spec::SERVERS`], in
/// order), after the builder's overrides: where each operation goes.
pub(crate) type Servers = Arc<[String]>;

/// What every call runs with: the connection pool (credentials, timeouts,
/// user agent and no redirects set on it by the builder) and the client's
/// settings. A per-call view's [`CallOptions`] go over it.
pub(crate) struct Config {
    pub(crate) http: reqwest::Client,
    pub(crate) servers: Servers,
    pub(crate) auth_id: AuthId,
    pub(crate) retry: RetryPolicy,
    pub(crate) body_limit: usize,
    pub(crate) secrets: Secrets,
    pub(crate) personal_data: bool,
}

/// Runs a generated operation's request (built by the generated code, or
/// the reason it could not be built) through the pipeline.
pub(crate) fn run<'c, T>(
    config: &'c Config,
    options: Option<&'c CallOptions>,
    request: Result<Request, Error>,
    op: &'static Operation,
) -> impl Future<Output = Result<T, Error>> + Send + 'c
where
    T: DeserializeOwned + Send + 'c,
{
    execute(
        config,
        options,
        request,
        Label {
            id: op.id,
            path: op.path,
        },
    )
}

/// A request reqwest could not build (e.g. a URL it refuses) was never sent.
pub(crate) fn unbuildable(e: reqwest::Error) -> Error {
    Error::InvalidInput {
        field: "request",
        value: String::new(),
        reason: format!("cannot be built: {}", e.without_url()),
    }
}

/// Sends `request` with `options` (a [`PhloClient::with_options`](crate::PhloClient::with_options)
/// view's) applied, retrying as the policy allows for its method.
///
/// Only the decode into `T` is compiled per answer type: the rest of the
/// pipeline (options, tracing, retries, reading) is one non-generic future
/// that hands each answer's body to the caller's decode, which keeps the
/// value where this future reads it back.
pub(crate) async fn execute<T: DeserializeOwned + Send>(
    config: &Config,
    options: Option<&CallOptions>,
    request: Result<Request, Error>,
    label: Label<'_>,
) -> Result<T, Error> {
    let value = Mutex::new(None);
    let decode = |secrets: &Secrets, status: StatusCode, body: &[u8]| {
        let decoded = read::typed::<T>(secrets, status, body)?;
        *value.lock().unwrap_or_else(PoisonError::into_inner) = Some(decoded);
        Ok(())
    };
    erased(config, options, request, label, &decode).await?;
    value
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        // `erased` is Ok only after a decode succeeded; said as an error,
        // not a panic, all the same.
        .ok_or_else(|| Error::invalid("answer", "", "was not decoded"))
}

/// Decodes a 2xx answer's body (that [`read::check`] passed) into the
/// caller's type and keeps it: what [`execute`] hands the pipeline.
type Decode<'a> = &'a (dyn Fn(&Secrets, StatusCode, &[u8]) -> Result<(), Error> + Sync);

/// [`execute`] without its type: the answer goes to `decode`.
fn erased<'a>(
    config: &'a Config,
    options: Option<&'a CallOptions>,
    request: Result<Request, Error>,
    label: Label<'a>,
    decode: Decode<'a>,
) -> impl Future<Output = Result<(), Error>> + Send + 'a {
    let (ctx, request) = match options {
        None => (
            Ctx {
                config,
                policy: &config.retry,
                limit: config.body_limit,
                capture: None,
                decode,
            },
            request,
        ),
        Some(options) => (
            Ctx {
                config,
                policy: options.retry.as_ref().unwrap_or(&config.retry),
                limit: options.body_limit.unwrap_or(config.body_limit),
                capture: options.slot.as_ref().map(|slot| (slot, Instant::now())),
                decode,
            },
            request.and_then(|r| options.apply(r)),
        ),
    };
    let trace = Trace::start(config, request.as_ref().ok(), label);
    trace.clone().instrument(attempts(ctx, request, trace))
}

/// What one call runs with: the client, and the policy, body limit and
/// metadata slot its options (or the client) give, and the caller's decode.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    config: &'a Config,
    policy: &'a RetryPolicy,
    limit: usize,
    /// Where the answer's metadata goes, and when the call started.
    capture: Option<(&'a ResponseSlot, Instant)>,
    decode: Decode<'a>,
}

async fn attempts(
    ctx: Ctx<'_>,
    request: Result<Request, Error>,
    trace: Trace,
) -> Result<(), Error> {
    let request = request?;
    let result = if ctx.policy.attempts() > 1 {
        // The retry loop (a spare copy of the request, the backoff schedule,
        // a timer) is boxed: one attempt, the common case, stays small.
        Box::pin(retrying(ctx, request, &trace)).await
    } else {
        trace.attempt(1);
        answer(ctx, send(ctx.config, request), &trace, 1).await
    };
    trace.finish(&result);
    result
}

/// One failed attempt, as the retry loop sees it.
struct Failed {
    err: Error,
    /// Which attempt it was, from 1.
    attempt: u32,
    /// Whether a copy of the request is left for another attempt.
    spare: bool,
}

/// The attempts under the client's [`RetryPolicy`], as a backon retry:
/// `when` says whether the request may be sent again (never a second
/// POST that may have reached Plivo), `adjust` puts `Retry-After` in
/// place of the computed delay, `notify` records the retry.
async fn retrying(ctx: Ctx<'_>, request: Request, trace: &Trace) -> Result<(), Error> {
    let policy: &RetryPolicy = ctx.policy;
    let method = request.method().clone();
    let mut next = Some(request);
    let mut attempt = 0;
    let once = || {
        attempt += 1;
        let request = next.take();
        // A copy for the next attempt, only when there may be one (the
        // body is `Bytes`: the copy shares it).
        if attempt < policy.attempts() {
            next = request.as_ref().and_then(Request::try_clone);
        }
        let (number, spare) = (attempt, next.is_some());
        async move {
            // Always there (`when` allows another attempt only when a copy
            // was left); said as an error, not a panic, all the same.
            let Some(request) = request else {
                return Err(Failed {
                    err: Error::invalid("request", "", "cannot be copied for another attempt"),
                    attempt: number,
                    spare: false,
                });
            };
            trace.attempt(number);
            answer(ctx, send(ctx.config, request), trace, number)
                .await
                .map_err(|err| Failed {
                    err,
                    attempt: number,
                    spare,
                })
        }
    };
    once.retry(policy.backoff())
        .sleep(tokio::time::sleep)
        .when(|failed| failed.spare && may_resend(&method, &failed.err))
        .adjust(|failed, computed| policy.delay(&failed.err, computed))
        .notify(|failed, delay| trace.retry(failed.attempt, delay, &failed.err))
        .await
        .map_err(|failed| failed.err)
}

/// Starts sending `request` (nothing happens until the future is polled).
fn send(
    config: &Config,
    request: Request,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + use<> {
    #[cfg(fuzzing)]
    {
        use futures_util::future::Either;
        match crate::fuzzing::take() {
            Some(canned) => Either::Right(std::future::ready(Ok(canned))),
            None => Either::Left(config.http.execute(request)),
        }
    }
    #[cfg(not(fuzzing))]
    config.http.execute(request)
}

/// One attempt's answer (attempt number `attempt`): the body read within
/// the limit, decoded; its metadata recorded when the call captures it.
async fn answer(
    ctx: Ctx<'_>,
    sending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    trace: &Trace,
    attempt: u32,
) -> Result<(), Error> {
    let response = sending.await.map_err(|e| transport(e, None))?;
    let status = response.status();
    // The headers are kept (moved, not copied) for an error's or the
    // metadata's bounded copy; the body alone is read.
    let (parts, body) = http::Response::from(response).into_parts();
    let headers: HeaderMap = parts.headers;
    let retry_after = headers.get(RETRY_AFTER).and_then(parse_retry_after);
    trace.status(status);
    let body = read::read(status, body, ctx.limit)
        .await
        .map_err(|e| transport(e, Some(status)))?;
    match body {
        Read::TooLarge => Err(Error::ResponseTooLarge {
            status,
            limit: ctx.limit,
        }),
        Read::Complete(bytes) | Read::Cut(bytes) => {
            if trace.wants_api_id() {
                trace.api_id(read::api_id(&bytes).as_deref());
            }
            let secrets = &ctx.config.secrets;
            read::check(secrets, status, retry_after, &headers, &bytes)?;
            (ctx.decode)(secrets, status, &bytes)?;
            if let Some((slot, started)) = ctx.capture {
                slot.put(read::meta(
                    secrets,
                    status,
                    &headers,
                    &bytes,
                    started.elapsed(),
                    attempt,
                ));
            }
            Ok(())
        }
    }
}

/// A reqwest failure as a [`Error::Transport`], its URL (which holds path
/// values: phone numbers) removed.
pub(crate) fn transport(source: reqwest::Error, status: Option<StatusCode>) -> Error {
    if source.is_builder() {
        return unbuildable(source);
    }
    let (kind, may_have_reached_server) = classify(&source);
    Error::Transport {
        kind,
        may_have_reached_server,
        status,
        source: source.without_url(),
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
