//! Reading an answer within the body limit, and turning it into a typed
//! value or an [`Error`] that keeps its status.

use std::time::Duration;

use std::future::Future;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use reqwest::StatusCode;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

use crate::{
    error::{BODY_EXCERPT_LIMIT, Error},
    scrub::Secrets,
};

/// The longest `api_id` an error keeps (Plivo's are 36-byte UUIDs).
const API_ID_LIMIT: usize = 128;

/// The most of an error body that is read; the rest is dropped unread.
/// Plivo's error bodies are a few dozen bytes; an HTML error page's start
/// is enough to say what it was.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What was read of a body.
pub(crate) enum Body {
    /// The whole body.
    Complete(Bytes),
    /// The start of an error body; the rest was not read.
    Cut(Bytes),
    /// A success body over the limit; reading stopped.
    TooLarge,
}

/// Reads the body: all of a success body up to `limit` (past it, nothing is
/// kept), the first [`ERROR_BODY_LIMIT`] bytes of any other.
pub(crate) fn read(
    response: reqwest::Response,
    limit: usize,
) -> impl Future<Output = reqwest::Result<Body>> {
    let success = response.status().is_success();
    let limit = if success {
        limit
    } else {
        limit.min(ERROR_BODY_LIMIT)
    };
    let declared_too_large = success && response.content_length().is_some_and(|n| n > limit as u64);
    // The body alone: a smaller future than one holding the whole response.
    let mut body = http::Response::from(response).into_body();
    async move {
        if declared_too_large {
            return Ok(Body::TooLarge);
        }
        // Most answers arrive in one frame: keep it as it is.
        let mut first: Option<Bytes> = None;
        let mut more: Option<BytesMut> = None;
        while let Some(frame) = body.frame().await {
            let Ok(chunk) = frame?.into_data() else {
                continue; // trailers
            };
            let have = more
                .as_ref()
                .map_or_else(|| first.as_ref().map_or(0, Bytes::len), BytesMut::len);
            if have + chunk.len() > limit {
                if success {
                    return Ok(Body::TooLarge);
                }
                let mut kept =
                    more.unwrap_or_else(|| BytesMut::from(first.unwrap_or_default().as_ref()));
                kept.extend_from_slice(&chunk[..limit - have]);
                return Ok(Body::Cut(kept.freeze()));
            }
            match (&first, &mut more) {
                (None, _) => first = Some(chunk),
                (Some(f), None) => {
                    let mut joined = BytesMut::with_capacity((f.len() + chunk.len()) * 2);
                    joined.extend_from_slice(f);
                    joined.extend_from_slice(&chunk);
                    more = Some(joined);
                }
                (_, Some(m)) => m.extend_from_slice(&chunk),
            }
        }
        Ok(Body::Complete(match more {
            Some(m) => m.freeze(),
            None => first.unwrap_or_default(),
        }))
    }
}

/// Plivo's fields of any answer: `api_id`, and `error` / `message`.
#[derive(Default, Deserialize)]
struct Peek {
    #[serde(default)]
    api_id: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
}

impl Peek {
    fn parse(body: &[u8]) -> Peek {
        serde_json::from_slice(body).unwrap_or_default()
    }
}

/// A JSON value as non-empty text: a string as it is, anything else (but
/// `null`) as JSON.
fn text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Plivo's `api_id` in a body, if it has one (for tracing).
pub(crate) fn api_id(body: &[u8]) -> Option<String> {
    text(Peek::parse(body).api_id)
}

/// A typed value for a 2xx answer whose `error` is empty; an [`Error`] that
/// keeps the status otherwise.
pub(crate) fn decode<T: DeserializeOwned>(
    secrets: &Secrets,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, Error> {
    if !status.is_success() || may_refuse(body) {
        let peek = Peek::parse(body);
        let message = text(peek.error)
            .or_else(|| (!status.is_success()).then(|| text(peek.message)).flatten());
        if !status.is_success() || message.is_some() {
            return Err(Error::Api {
                status,
                api_id: text(peek.api_id).map(|a| secrets.bounded(a, API_ID_LIMIT)),
                message: message.map(|m| secrets.bounded(m, BODY_EXCERPT_LIMIT)),
                body: secrets.excerpt(body, BODY_EXCERPT_LIMIT),
                retry_after: retry_after.filter(|_| !status.is_success()),
            });
        }
    }
    // An empty body is `null`: what an operation without a response body
    // (`()`) decodes from, and a clear error for any other type.
    let json = if body.iter().all(u8::is_ascii_whitespace) {
        &b"null"[..]
    } else {
        body
    };
    serde_json::from_slice(json).map_err(|source| Error::Decode {
        status: Some(status),
        body: secrets.excerpt(body, BODY_EXCERPT_LIMIT),
        source: scrubbed(secrets, source),
    })
}

/// A decode error that quotes a secret, or quotes so much of the body
/// that it would outgrow the excerpt, is replaced by one with the same
/// text, scrubbed and cut.
fn scrubbed(secrets: &Secrets, source: serde_json::Error) -> serde_json::Error {
    let text = source.to_string();
    let bounded = secrets.bounded(text.clone(), BODY_EXCERPT_LIMIT);
    if bounded != text {
        serde::de::Error::custom(bounded)
    } else {
        source
    }
}

/// Whether a 2xx body may carry a non-empty top-level `error`: some `"error"`
/// key is followed by anything but `""` or `null`. A quick scan; `decode`
/// then parses the body's top level to be sure.
fn may_refuse(body: &[u8]) -> bool {
    const KEY: &[u8] = b"\"error\"";
    // One vectorised search for the key (built once), not a step per byte.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(KEY));
    for at in FINDER.find_iter(body) {
        let after = trim(&body[at + KEY.len()..]);
        let Some(value) = after.strip_prefix(b":") else {
            continue;
        };
        let value = trim(value);
        if !(value.starts_with(b"\"\"") || value.starts_with(b"null")) {
            return true;
        }
    }
    false
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_scan_finds_every_non_empty_error() {
        for refused in [
            r#"{"api_id":"a","error":"node not found"}"#,
            r#"{"error" : "x"}"#,
            r#"{"data":{"error":""},"error":"boom"}"#,
            r#"{"error":{"code":1}}"#,
        ] {
            assert!(may_refuse(refused.as_bytes()), "{refused}");
        }
        for fine in [
            r#"{"api_id":"a","error":""}"#,
            r#"{"api_id":"a","error": null}"#,
            r#"{"message":"no \"error\" here"}"#,
            r#"{"api_id":"a"}"#,
        ] {
            assert!(!may_refuse(fine.as_bytes()), "{fine}");
        }
    }
}
