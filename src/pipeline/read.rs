//! Reading an answer within the body limit, and turning it into a typed
//! value or an [`Error`] that keeps its status.

use std::{borrow::Cow, future::Future, time::Duration};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Limited};
use reqwest::{StatusCode, header::HeaderMap};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

use crate::{
    error::{BODY_EXCERPT_LIMIT, Error},
    pipeline::meta::{ResponseMeta, kept_headers},
    pipeline::scrub::Secrets,
};

/// The longest `api_id` an error keeps (Plivo's are 36-byte UUIDs).
const API_ID_LIMIT: usize = 128;

/// The most of an error body that is read; the rest is dropped unread.
/// Plivo's error bodies are a few dozen bytes; an HTML error page's start
/// is enough to say what it was.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What was read of a body.
pub(crate) enum Read {
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
    status: StatusCode,
    mut body: reqwest::Body,
    limit: usize,
) -> impl Future<Output = reqwest::Result<Read>> {
    let success = status.is_success();
    let declared_too_large = success
        && hyper::body::Body::size_hint(&body)
            .exact()
            .is_some_and(|n| n > limit as u64);
    async move {
        if declared_too_large {
            return Ok(Read::TooLarge);
        }
        if success {
            // One frame (most answers) is kept as it is, not copied.
            return match Limited::new(body, limit).collect().await {
                Ok(collected) => Ok(Read::Complete(collected.to_bytes())),
                Err(e) => match e.downcast::<reqwest::Error>() {
                    Ok(e) => Err(*e),
                    // `LengthLimitError`: the body outgrew the limit.
                    Err(_) => Ok(Read::TooLarge),
                },
            };
        }
        // An error body's start is kept for the excerpt, which `Limited`
        // (it fails past the limit, dropping what it read) cannot do.
        let limit = limit.min(ERROR_BODY_LIMIT);
        let mut kept = BytesMut::new();
        while let Some(frame) = body.frame().await {
            let Ok(chunk) = frame?.into_data() else {
                continue; // trailers
            };
            let room = limit - kept.len();
            if chunk.len() > room {
                kept.extend_from_slice(&chunk[..room]);
                return Ok(Read::Cut(kept.freeze()));
            }
            kept.extend_from_slice(&chunk);
        }
        Ok(Read::Complete(kept.freeze()))
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

/// Whether the answer is one to decode: a 2xx without a refusal. An
/// [`Error`] that keeps the status otherwise.
///
/// On a 2xx, only a top-level `error` that is a non-empty string is a
/// refusal ([`Error::Api`]). An `error` of any other type (number, array,
/// object) does not match the spec: an [`Error::Decode`], as is a body the
/// typed decode ([`typed`]) refuses.
pub(crate) fn check(
    secrets: &Secrets,
    status: StatusCode,
    retry_after: Option<Duration>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Error> {
    let refused = if status.is_success() {
        refusal(body).map_err(|e| decode_error(secrets, status, body, e))?
    } else {
        None
    };
    if !status.is_success() || refused.is_some() {
        let peek = Peek::parse(body);
        let message = refused
            .or_else(|| text(peek.error))
            .or_else(|| text(peek.message));
        return Err(Error::Api {
            status,
            api_id: text(peek.api_id).map(|a| secrets.bounded(a, API_ID_LIMIT)),
            message: message.map(|m| secrets.bounded(m, BODY_EXCERPT_LIMIT)),
            body: secrets.excerpt(body, BODY_EXCERPT_LIMIT),
            retry_after: retry_after.filter(|_| !status.is_success()),
            headers: Box::new(kept_headers(secrets, headers)),
        });
    }
    Ok(())
}

/// The typed value of an answer [`check`] passed. The one part of reading
/// an answer that knows its type, so the rest is compiled once, not once
/// per answer type.
pub(crate) fn typed<T: DeserializeOwned>(
    secrets: &Secrets,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    // An empty body is `null`: what an operation without a response body
    // (`()`) decodes from, and a clear error for any other type.
    let json = if body.iter().all(u8::is_ascii_whitespace) {
        &b"null"[..]
    } else {
        body
    };
    serde_json::from_slice(json).map_err(|e| decode_error(secrets, status, body, e))
}

/// A body that does not match the spec, as an [`Error::Decode`].
fn decode_error(
    secrets: &Secrets,
    status: StatusCode,
    body: &[u8],
    source: serde_json::Error,
) -> Error {
    Error::Decode {
        status: Some(status),
        body: secrets.excerpt(body, BODY_EXCERPT_LIMIT),
        source: scrubbed(secrets, source),
    }
}

/// A 2xx body's top-level `error`, parsed (escapes and all) and nothing
/// else built: the rest of the body is skipped over.
#[derive(Deserialize)]
struct TopLevel<'a> {
    #[serde(default, borrow)]
    error: Option<Cow<'a, str>>,
}

/// The refusal a 2xx body carries: its top-level `error` when that is a
/// non-empty string. An `error` of another type, or an object that is not
/// JSON, is the error returned.
fn refusal(body: &[u8]) -> Result<Option<String>, serde_json::Error> {
    // Only an object has a top-level `error` (serde would also read the
    // struct from an array); anything else is for the typed decode.
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|at| body[at] != b'{') {
        return Ok(None);
    }
    let top: TopLevel<'_> = serde_json::from_slice(body).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data {
            serde::de::Error::custom(format!(
                "the top-level `error` must be a string or null: {e}"
            ))
        } else {
            e
        }
    })?;
    Ok(top
        .error
        .filter(|e| !e.trim().is_empty())
        .map(Cow::into_owned))
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

/// A successful answer's metadata: the body as JSON (`null` when empty or
/// not JSON, which the typed decode has accepted), its `api_id`, the
/// headers bounded and redacted.
pub(crate) fn meta(
    secrets: &Secrets,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    elapsed: Duration,
    attempts: u32,
) -> ResponseMeta {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let api_id = text(json.get("api_id").cloned()).map(|a| secrets.bounded(a, API_ID_LIMIT));
    ResponseMeta {
        status,
        headers: kept_headers(secrets, headers),
        api_id,
        elapsed,
        attempts,
        body: json,
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn a_2xx_refusal_is_a_non_empty_top_level_error_string() {
        for accepted in [
            r#"{"api_id":"a","error":""}"#,
            r#"{"api_id":"a","error" : null}"#,
            r#"{"api_id":"a","note":"error"}"#,
            r#"{"data":{"error":"x"},"error":""}"#,
            r#"{"message":"a \"quote\""}"#,
            r#"["error"]"#,
        ] {
            assert_eq!(refusal(accepted.as_bytes()).unwrap(), None, "{accepted}");
        }
        for (refused, message) in [
            (
                r#"{"api_id":"a","error":"member not found"}"#,
                "member not found",
            ),
            (
                r#"{"api_id":"a","\u0065rror":"not allowed"}"#,
                "not allowed",
            ),
        ] {
            assert_eq!(
                refusal(refused.as_bytes()).unwrap().as_deref(),
                Some(message)
            );
        }
        assert!(refusal(br#"{"api_id":5,"error":[]}"#).is_err());
    }
}
