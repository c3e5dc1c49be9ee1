//! Plivo's V3 callback signatures: is this request really from Plivo?
//!
//! Plivo signs the requests it sends to your server (answer and event URLs,
//! status callbacks) with your auth token. The headers:
//!
//! | header | what it holds |
//! |---|---|
//! | [`SIGNATURE_V3_HEADER`] (`X-Plivo-Signature-V3`) | one or more comma-separated signatures, made with the (sub)account's auth token |
//! | [`SIGNATURE_MA_V3_HEADER`] (`X-Plivo-Signature-Ma-V3`) | the same, made with the **main** account's auth token |
//! | [`NONCE_V3_HEADER`] (`X-Plivo-Signature-V3-Nonce`) | the nonce both were made with |
//!
//! A [`Callback`] is what you received (method, URL, parameters, nonce);
//! a [`SignatureV3`] holds the auth token and checks a signature header
//! against it. To check the main account's header, make a second
//! [`SignatureV3`] with the main account's token.
//!
//! A [`Receiver`] does all of it for a webhook, whatever the web framework:
//! headers, nonce, body bound, form or JSON decoding, signature and required
//! fields, into a typed event such as
//! [`MultiPartyCallEvent`](crate::types::MultiPartyCallEvent), or a
//! [`CallbackRefusal`] saying why not.
//!
//! ```
//! use plivo_phlo::callback::{Callback, SignatureV3};
//! use plivo_phlo::reqwest::Method;
//!
//! let verifier = SignatureV3::new("my_auth_token");
//! let params = [("CallUUID", "3e82ae9d"), ("Event", "StartApp")];
//! let callback = Callback {
//!     method: &Method::POST,
//!     url: "https://example.com/answer?a=b",
//!     params: &params,
//!     nonce: "31627761595286130198",
//! };
//! // What Plivo would put in X-Plivo-Signature-V3 for this request:
//! let header = verifier.sign(&callback)?;
//! assert!(verifier.verify(&callback, &header).is_ok());
//! # Ok::<(), plivo_phlo::callback::SignatureError>(())
//! ```
//!
//! # The algorithm
//!
//! Exactly as the official SDKs compute it (plivo-python
//! `plivo/utils/signature_v3.py`, the reference; plivo-go `utils.go`;
//! plivo-node `lib/utils/v3Security.js`); [`Callback::string_to_sign`]
//! documents each step and where the SDKs differ. The signature is
//! Base64(HMAC-SHA256(auth token, string to sign)), compared in constant
//! time.

mod receive;
mod string_to_sign;
mod verify;

pub use receive::{CallbackRefusal, MAX_CALLBACK_BODY, Receiver};
pub use string_to_sign::Callback;
pub use verify::SignatureV3;

/// The header with the signatures made with the (sub)account's auth token.
pub const SIGNATURE_V3_HEADER: &str = "X-Plivo-Signature-V3";

/// The header with the signatures made with the main account's auth token.
pub const SIGNATURE_MA_V3_HEADER: &str = "X-Plivo-Signature-Ma-V3";

/// The header with the nonce the signatures were made with.
pub const NONCE_V3_HEADER: &str = "X-Plivo-Signature-V3-Nonce";

/// Why a callback's signature was not accepted (or could not be computed).
///
/// No variant holds the auth token, the URL (it may carry credentials of its
/// own) or the signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The nonce (`X-Plivo-Signature-V3-Nonce`) is missing or empty.
    #[error("the callback has no nonce (X-Plivo-Signature-V3-Nonce is missing or empty)")]
    MissingNonce,
    /// The signature header is missing, empty, or holds only commas and spaces.
    #[error("the callback has no signature (the signature header is missing or empty)")]
    MissingSignature,
    /// None of the header's signatures is the one the auth token gives.
    #[error("no signature in the header matches the callback and auth token")]
    NoMatch,
    /// The URL is not an absolute `http` or `https` URL with a host.
    #[error("the callback URL is malformed: {reason}")]
    MalformedUrl {
        /// What is wrong with it, in words.
        reason: &'static str,
    },
    /// The auth token is empty: anyone could make its signatures.
    #[error("the auth token is empty")]
    EmptyAuthToken,
    /// Plivo signs GET and POST callbacks only.
    #[error("Plivo signs GET and POST callbacks only, not {0}")]
    UnsupportedMethod(http::Method),
}
