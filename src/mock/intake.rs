//! Reading a request's body within bounds: what the mock keeps, and how
//! much of a too-large body it drains before answering 413.

use http_body_util::BodyExt;
use hyper::body::Bytes;

/// The largest request body the mock keeps (Plivo's requests are under
/// 1 KiB); a larger one is answered 413 and recorded as refused.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How much of a too-large body is read (and dropped) before the 413, so
/// the client gets the answer rather than a reset mid-upload.
const DRAIN_LIMIT: usize = 16 * MAX_REQUEST_BODY;

pub(super) enum BodyRead {
    TooLarge,
    Broken,
}

/// The body, at most [`MAX_REQUEST_BODY`] of it kept; memory stays bounded
/// whatever the client sends.
pub(super) async fn read_body(mut body: hyper::body::Incoming) -> Result<Bytes, BodyRead> {
    let mut kept = bytes::BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| BodyRead::Broken)?.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_REQUEST_BODY {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    if seen > MAX_REQUEST_BODY {
        return Err(BodyRead::TooLarge);
    }
    Ok(kept.freeze())
}
