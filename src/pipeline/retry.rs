//! Opt-in retries that never dial twice.

use std::time::Duration;

use backon::ExponentialBuilder;
use reqwest::{Method, StatusCode};

use crate::error::Error;

/// When and how often a failed request is sent again. Off by default.
///
/// * A `GET` is retried on connect errors, timeouts, resets, 408, 429, 502,
///   503 and 504 (not 500: the server's own failure, which a re-send only
///   delays).
/// * A `POST` (it places or changes real calls) is retried only when it
///   provably never reached the server: the connection was refused or never
///   established, or the server answered 429. A POST answered 500, or cut
///   off by a timeout after it was sent, is never re-sent.
/// * Delays grow exponentially from `base_delay` up to `max_delay`, with
///   jitter. A `Retry-After` from the server (seconds or HTTP-date) replaces
///   the computed delay; one longer than `max_retry_after` ends the retries
///   and the error carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Same as [`RetryPolicy::none`].
    fn default() -> Self {
        Self::none()
    }
}

impl RetryPolicy {
    /// Every request is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            jitter: true,
            max_retry_after: Duration::from_secs(30),
        }
    }

    /// Up to 3 attempts, 200 ms base delay, 5 s cap, jitter on, `Retry-After`
    /// honoured up to 30 s.
    pub fn exponential() -> Self {
        RetryPolicy {
            max_attempts: 3,
            ..Self::none()
        }
    }

    /// Total attempts, the first one included (`1` disables retries; `0` is
    /// taken as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first retry's delay before jitter.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest computed delay between two attempts.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether delays are randomised (on by default).
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The longest `Retry-After` the client waits for before giving up.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The computed delays: exponential, capped, jittered, one fewer than
    /// the attempts.
    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        let builder = ExponentialBuilder::default()
            .with_min_delay(self.base_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            builder.with_jitter()
        } else {
            builder
        }
    }

    /// The delay before the next attempt after `err`, given the computed
    /// one (`None` once the schedule is used up): the server's
    /// `Retry-After` when it sent one, `None` (give up) when that is longer
    /// than `max_retry_after`.
    pub(crate) fn delay(&self, err: &Error, computed: Option<Duration>) -> Option<Duration> {
        let computed = computed?;
        match err.retry_after() {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked),
            None => Some(computed),
        }
    }
}

/// Whether `err` allows sending the same request again: a GET whenever
/// [`Error::is_retryable`] (the one list of passing failures); any other
/// method (a POST places or changes real calls) only when it provably did
/// not reach the server, or the server said it did not act on it (429).
pub(crate) fn may_resend(method: &Method, err: &Error) -> bool {
    if *method == Method::GET {
        return err.is_retryable();
    }
    match err {
        Error::Transport {
            may_have_reached_server,
            ..
        } => !may_have_reached_server,
        Error::Api { status, .. } => *status == StatusCode::TOO_MANY_REQUESTS,
        _ => false,
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
