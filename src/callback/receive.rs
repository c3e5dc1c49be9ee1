//! A framework-neutral webhook receiver: signature, nonce, body bound,
//! content type, decoding, required fields, in that order.

use http::{HeaderMap, Method, header::CONTENT_TYPE};
use schemars::JsonSchema;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    Callback, NONCE_V3_HEADER, SIGNATURE_MA_V3_HEADER, SIGNATURE_V3_HEADER, SignatureError,
    SignatureV3,
};
use crate::generated::types::MultiPartyCallEvent;

/// The largest callback body [`Receiver`] reads: 64 KiB. A Multi-Party Call
/// event is a few hundred bytes; Plivo's largest Voice callbacks (with SIP
/// headers) stay far below this. Read the body with the same bound (e.g.
/// `http_body_util::Limited::new(body, MAX_CALLBACK_BODY + 1)`) so a larger
/// one is refused as [`CallbackRefusal::BodyTooLarge`].
pub const MAX_CALLBACK_BODY: usize = 64 * 1024;

/// The longest content type a [`CallbackRefusal::UnsupportedContentType`]
/// keeps (in bytes; the rest is cut).
const CONTENT_TYPE_KEPT: usize = 64;

/// Why [`Receiver`] refused a callback.
///
/// No variant holds a value of the body, the URL, a signature or a token:
/// the `Display` and `Debug` of a refusal are safe to log (phone numbers and
/// caller names are personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackRefusal {
    /// Neither signature header (`X-Plivo-Signature-V3`, nor
    /// `X-Plivo-Signature-Ma-V3` when a main account token was given) is
    /// there.
    #[error("the callback carries no signature header")]
    MissingSignature,
    /// A header (a signature or the nonce) appears more than once: which
    /// one Plivo meant cannot be told.
    #[error("the callback carries {header} more than once")]
    DuplicatedHeader {
        /// The header's name.
        header: &'static str,
    },
    /// A header (a signature or the nonce) is not visible ASCII text.
    #[error("the callback's {header} is not visible ASCII text")]
    UnreadableHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The nonce header is missing or empty.
    #[error("the callback carries no nonce (X-Plivo-Signature-V3-Nonce)")]
    MissingNonce,
    /// No signature matches the callback (or none could be computed: a
    /// malformed URL, an empty token). A tampered body, URL or nonce lands
    /// here.
    #[error("the callback's signature was not accepted")]
    BadSignature(#[source] SignatureError),
    /// Plivo sends GET and POST callbacks only.
    #[error("callbacks come as GET or POST, not {0}")]
    UnsupportedMethod(Method),
    /// The body is larger than the bound (by default [`MAX_CALLBACK_BODY`]).
    #[error("the callback body is {len} bytes, more than the {limit} accepted")]
    BodyTooLarge {
        /// The body's length.
        len: usize,
        /// The bound.
        limit: usize,
    },
    /// A POST body that is not `application/x-www-form-urlencoded` (nor
    /// `application/json`, when [`Receiver::accept_json`] allows it), or
    /// that has no content type.
    #[error("the callback's content type {} is not accepted", .content_type.as_deref().unwrap_or("(none)"))]
    UnsupportedContentType {
        /// The content type sent (its first 64 bytes), if any.
        content_type: Option<String>,
    },
    /// The body could not be decoded: not JSON, not a JSON object, or a
    /// value of the wrong type (`reason` says which, without the value).
    #[error("the callback body could not be decoded: {reason}")]
    UndecodableBody {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A field the spec requires (e.g. `event`) is missing or empty.
    #[error("the callback has no {field}")]
    MissingField {
        /// The field's name, from the schema.
        field: String,
    },
}

/// Checks and decodes the callbacks Plivo posts to your webhook, whatever
/// the web framework: give it the method, the full URL as configured in the
/// PHLO console, the headers and the body.
///
/// - **Signature**: V3 (see the [module](super)); any signature in
///   `X-Plivo-Signature-V3` matching the auth token passes, or, with
///   [`main_account_token`](Self::main_account_token), one in
///   `X-Plivo-Signature-Ma-V3` matching the main account's. Each header
///   must appear at most once; the nonce exactly once.
/// - **Form bodies** (`application/x-www-form-urlencoded`, what Plivo's
///   Voice callbacks are): every pair is signed, as the SDKs do; decoded,
///   a name sent twice keeps its **last** value (as a JSON object with a
///   repeated key does).
/// - **JSON bodies** are refused unless [`accept_json`](Self::accept_json):
///   the SDKs sign a JSON POST like a POST without parameters (URL, query
///   and nonce only), so **the signature does not cover a JSON body**.
/// - **GET**: the parameters are the URL's query, which the signature covers.
/// - The body is bounded ([`MAX_CALLBACK_BODY`] by default), and a field the
///   type's schema requires must be there and non-empty.
///
/// It never panics, logs nothing, and its refusals hold no personal data.
///
/// ```
/// use plivo_phlo::callback::{Callback, CallbackRefusal, Receiver, SignatureV3};
/// use plivo_phlo::reqwest::{Method, header::{HeaderMap, HeaderValue}};
/// use plivo_phlo::types::MultiPartyCallEventName;
///
/// let url = "https://example.com/phlo-events";
/// let body = b"event=ConferenceEnter&member_id=17";
/// // What Plivo would send:
/// let params = [("event", "ConferenceEnter"), ("member_id", "17")];
/// let sent = Callback { method: &Method::POST, url, params: &params, nonce: "12345" };
/// let mut headers = HeaderMap::new();
/// headers.insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded"));
/// headers.insert("x-plivo-signature-v3-nonce", HeaderValue::from_static("12345"));
/// let signature = SignatureV3::new("my_auth_token").sign(&sent)?;
/// headers.insert("x-plivo-signature-v3", signature.parse()?);
///
/// let receiver = Receiver::new("my_auth_token");
/// let event = receiver.multi_party_call_event(&Method::POST, url, &headers, body)?;
/// assert_eq!(event.event, MultiPartyCallEventName::ConferenceEnter);
///
/// let tampered = receiver.multi_party_call_event(&Method::POST, url, &headers, b"event=ConferenceExit&member_id=17");
/// assert!(matches!(tampered, Err(CallbackRefusal::BadSignature(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Receiver {
    account: SignatureV3,
    main: Option<SignatureV3>,
    json: bool,
    limit: usize,
}

impl Receiver {
    /// Checks signatures made with `auth_token` (the account, or subaccount,
    /// the PHLO belongs to).
    pub fn new(auth_token: impl Into<SecretString>) -> Self {
        Receiver {
            account: SignatureV3::new(auth_token),
            main: None,
            json: false,
            limit: MAX_CALLBACK_BODY,
        }
    }

    /// Also accepts a callback whose `X-Plivo-Signature-Ma-V3` matches the
    /// main account's `auth_token` (for a PHLO of a subaccount).
    pub fn main_account_token(mut self, auth_token: impl Into<SecretString>) -> Self {
        self.main = Some(SignatureV3::new(auth_token));
        self
    }

    /// Accepts `application/json` POST bodies, which the signature does not
    /// cover (see [`Receiver`]). Off by default.
    pub fn accept_json(mut self, accept: bool) -> Self {
        self.json = accept;
        self
    }

    /// Refuses bodies longer than `limit` bytes ([`MAX_CALLBACK_BODY`] by
    /// default).
    pub fn max_body(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Checks and decodes a Multi-Party Call event (the spec's
    /// `multiPartyCallEvent` callback).
    ///
    /// # Errors
    ///
    /// See [`receive`](Self::receive).
    pub fn multi_party_call_event(
        &self,
        method: &Method,
        url: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<MultiPartyCallEvent, CallbackRefusal> {
        self.receive(method, url, headers, body)
    }

    /// Checks the callback's signature and decodes its parameters as `T`
    /// (a type in [`crate::types`], or your own).
    ///
    /// # Errors
    ///
    /// A [`CallbackRefusal`]: checked in the order method, body length,
    /// nonce, signature headers, content type, body decoding, signature,
    /// required fields, types.
    pub fn receive<T: DeserializeOwned + JsonSchema>(
        &self,
        method: &Method,
        url: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<T, CallbackRefusal> {
        let post = match *method {
            Method::POST => true,
            Method::GET => false,
            ref other => return Err(CallbackRefusal::UnsupportedMethod(other.clone())),
        };
        if body.len() > self.limit {
            return Err(CallbackRefusal::BodyTooLarge {
                len: body.len(),
                limit: self.limit,
            });
        }
        let nonce = match one_header(headers, NONCE_V3_HEADER)? {
            Some(nonce) if !nonce.is_empty() => nonce,
            _ => return Err(CallbackRefusal::MissingNonce),
        };
        let mut signatures = Vec::with_capacity(2);
        if let Some(header) = one_header(headers, SIGNATURE_V3_HEADER)? {
            signatures.push((&self.account, header));
        }
        if let Some(main) = &self.main
            && let Some(header) = one_header(headers, SIGNATURE_MA_V3_HEADER)?
        {
            signatures.push((main, header));
        }
        if signatures.is_empty() {
            return Err(CallbackRefusal::MissingSignature);
        }

        let (pairs, object) = if post {
            match self.body_kind(headers)? {
                BodyKind::Form => form(body),
                BodyKind::Json => (Vec::new(), json_object(body)?),
            }
        } else {
            let query = url.split_once('?').map_or("", |(_, q)| q);
            let query = query.split_once('#').map_or(query, |(q, _)| q);
            (Vec::new(), form(query.as_bytes()).1)
        };

        let params: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let callback = Callback {
            method,
            url,
            params: &params,
            nonce,
        };
        let mut refusal = None;
        for (verifier, header) in signatures {
            match verifier.verify(&callback, header) {
                Ok(()) => {
                    refusal = None;
                    break;
                }
                Err(e) => {
                    refusal.get_or_insert(e);
                }
            }
        }
        if let Some(e) = refusal {
            return Err(CallbackRefusal::BadSignature(e));
        }

        let schema = schemars::schema_for!(T);
        let required = schema.get("required").and_then(Value::as_array);
        for field in required.into_iter().flatten().filter_map(Value::as_str) {
            match object.get(field) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if s.is_empty() => {}
                Some(_) => continue,
            }
            return Err(CallbackRefusal::MissingField {
                field: field.to_string(),
            });
        }
        serde_json::from_value(Value::Object(object)).map_err(|_| {
            CallbackRefusal::UndecodableBody {
                reason: "a value does not have the type the schema gives it",
            }
        })
    }

    fn body_kind(&self, headers: &HeaderMap) -> Result<BodyKind, CallbackRefusal> {
        let mut values = headers.get_all(CONTENT_TYPE).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(CallbackRefusal::UnsupportedContentType { content_type: None });
        };
        let text = String::from_utf8_lossy(value.as_bytes());
        let media = text.split(';').next().unwrap_or_default().trim();
        if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Ok(BodyKind::Form);
        }
        if self.json && media.eq_ignore_ascii_case("application/json") {
            return Ok(BodyKind::Json);
        }
        let mut end = text.len().min(CONTENT_TYPE_KEPT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Err(CallbackRefusal::UnsupportedContentType {
            content_type: Some(text[..end].to_string()),
        })
    }
}

enum BodyKind {
    Form,
    Json,
}

/// The header's one value, if it is there.
fn one_header<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
) -> Result<Option<&'h str>, CallbackRefusal> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(CallbackRefusal::DuplicatedHeader { header: name });
    }
    value
        .to_str()
        .map(|v| Some(v.trim()))
        .map_err(|_| CallbackRefusal::UnreadableHeader { header: name })
}

/// A form's pairs (for the signature) and its object (for the type): a
/// name sent twice keeps its last value.
fn form(body: &[u8]) -> (Vec<(String, String)>, Map<String, Value>) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let object = pairs
        .iter()
        .map(|(n, v)| (n.clone(), Value::String(v.clone())))
        .collect();
    (pairs, object)
}

fn json_object(body: &[u8]) -> Result<Map<String, Value>, CallbackRefusal> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(CallbackRefusal::UndecodableBody {
            reason: "the JSON body is not an object",
        }),
        Err(_) => Err(CallbackRefusal::UndecodableBody {
            reason: "the body is not JSON",
        }),
    }
}
