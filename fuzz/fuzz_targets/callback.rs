//! The callback receiver: whatever method, URL, headers and body arrive, it
//! never panics, and a refusal's text never holds the body's values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plivo_phlo::callback::{Callback, CallbackRefusal, Receiver, SignatureV3};
use plivo_phlo::reqwest::{
    Method,
    header::{HeaderMap, HeaderName, HeaderValue},
};
use plivo_phlo::types::MultiPartyCallEvent;

const TOKEN: &str = "fuzz-auth-token";
const MAIN: &str = "fuzz-main-token";
const HEADERS: [&str; 5] = [
    "x-plivo-signature-v3",
    "x-plivo-signature-ma-v3",
    "x-plivo-signature-v3-nonce",
    "content-type",
    "x-other",
];

/// Input layout: byte 0 picks the method and flags, byte 1 the URL's
/// length, then the URL, then header lines (`index value\n`) up to a `\0`,
/// then the body.
fn parts(data: &[u8]) -> Option<(Method, bool, String, HeaderMap, &[u8])> {
    let (&flags, rest) = data.split_first()?;
    let (&url_len, rest) = rest.split_first()?;
    let url_len = usize::from(url_len).min(rest.len());
    let (url, rest) = rest.split_at(url_len);
    let url = format!("https://example.com/{}", String::from_utf8_lossy(url));
    let method = match flags % 4 {
        0 | 1 => Method::POST,
        2 => Method::GET,
        _ => Method::PUT,
    };
    let (head, body) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let mut headers = HeaderMap::new();
    for line in head.split(|&b| b == b'\n') {
        let Some((&which, value)) = line.split_first() else { continue };
        let name = HeaderName::from_static(HEADERS[usize::from(which) % HEADERS.len()]);
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    Some((method, flags & 4 != 0, url, headers, body))
}

fuzz_target!(|data: &[u8]| {
    let Some((method, sign, url, mut headers, body)) = parts(data) else { return };
    let receiver = Receiver::new(TOKEN).main_account_token(MAIN).accept_json(data[0] & 8 != 0);
    if sign {
        // Also reach the decoding past the signature: sign the form as sent.
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let params: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let nonce = "1234567890";
        let callback = Callback { method: &method, url: &url, params: &params, nonce };
        if let Ok(signature) = SignatureV3::new(TOKEN).sign(&callback) {
            headers.remove("x-plivo-signature-v3");
            headers.remove("x-plivo-signature-v3-nonce");
            headers.insert("x-plivo-signature-v3", HeaderValue::from_str(&signature).unwrap());
            headers.insert("x-plivo-signature-v3-nonce", HeaderValue::from_static(nonce));
            headers.insert(
                "content-type",
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
    }
    match receiver.receive::<MultiPartyCallEvent>(&method, &url, &headers, body) {
        Ok(event) => {
            assert!(!event.event.as_str().is_empty());
        }
        Err(refusal) => {
            // No value of the body in the refusal's text: a value long
            // enough, with a digit and no space, cannot be one of the
            // crate's own words (a content type is the header's, which the
            // input also chose: not checked).
            if matches!(refusal, CallbackRefusal::UnsupportedContentType { .. }) {
                return;
            }
            let text = format!("{refusal} {refusal:?}");
            for (_, value) in form_urlencoded::parse(body) {
                if value.len() >= 12
                    && !value.contains(' ')
                    && value.bytes().any(|b| b.is_ascii_digit())
                {
                    assert!(!text.contains(value.as_ref()), "{text}");
                }
            }
        }
    }
});
