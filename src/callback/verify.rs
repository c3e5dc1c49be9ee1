//! The HMAC: an auth token signs and checks callbacks.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;

use super::{Callback, SignatureError};
use crate::pipeline::scrub::REDACTED;

/// An auth token, to check (or make) the V3 signatures of callbacks.
///
/// Make one with the (sub)account's token for [`SIGNATURE_V3_HEADER`], and
/// one with the main account's token for [`SIGNATURE_MA_V3_HEADER`]. Its
/// `Debug` shows no token.
///
/// [`SIGNATURE_V3_HEADER`]: super::SIGNATURE_V3_HEADER
/// [`SIGNATURE_MA_V3_HEADER`]: super::SIGNATURE_MA_V3_HEADER
#[derive(Clone)]
pub struct SignatureV3 {
    auth_token: SecretString,
}

impl fmt::Debug for SignatureV3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureV3")
            .field("auth_token", &REDACTED)
            .finish()
    }
}

impl SignatureV3 {
    /// Checks and makes signatures with `auth_token`.
    pub fn new(auth_token: impl Into<SecretString>) -> Self {
        SignatureV3 {
            auth_token: auth_token.into(),
        }
    }

    /// The signature Plivo sends for `callback`:
    /// Base64(HMAC-SHA256(auth token, [`Callback::string_to_sign`])).
    ///
    /// # Errors
    ///
    /// [`SignatureError::EmptyAuthToken`], and those of
    /// [`Callback::string_to_sign`].
    pub fn sign(&self, callback: &Callback<'_>) -> Result<String, SignatureError> {
        Ok(STANDARD.encode(self.mac(callback)?.finalize().into_bytes()))
    }

    /// `Ok(())` when one of the comma-separated signatures in
    /// `signature_header` (the value of `X-Plivo-Signature-V3`, or of
    /// `X-Plivo-Signature-Ma-V3` with the main account's token) is
    /// `callback`'s.
    ///
    /// Each signature is compared in constant time, as bytes after a strict
    /// Base64 decoding (what the SDKs' exact text comparison accepts). Spaces
    /// and tabs around a signature are ignored (a proxy joining two header
    /// lines writes `, `); the SDKs would not match a signature with a space
    /// before it.
    ///
    /// # Errors
    ///
    /// [`SignatureError::NoMatch`] when no signature matches,
    /// [`SignatureError::MissingSignature`] when the header holds none,
    /// [`SignatureError::EmptyAuthToken`], and those of
    /// [`Callback::string_to_sign`].
    pub fn verify(
        &self,
        callback: &Callback<'_>,
        signature_header: &str,
    ) -> Result<(), SignatureError> {
        let mut signatures = signature_header
            .split(',')
            .map(|s| s.trim_matches([' ', '\t']))
            .filter(|s| !s.is_empty())
            .peekable();
        if signatures.peek().is_none() {
            return Err(SignatureError::MissingSignature);
        }
        let mac = self.mac(callback)?;
        let matches = |signature: &str| {
            STANDARD
                .decode(signature)
                .is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok())
        };
        if signatures.any(matches) {
            Ok(())
        } else {
            Err(SignatureError::NoMatch)
        }
    }

    fn mac(&self, callback: &Callback<'_>) -> Result<Hmac<Sha256>, SignatureError> {
        let token = self.auth_token.expose_secret();
        if token.is_empty() {
            return Err(SignatureError::EmptyAuthToken);
        }
        let string = callback.string_to_sign()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(token.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(string.as_bytes());
        Ok(mac)
    }
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;

    /// The four V3 vectors of plivo-go's `utils_test.go`
    /// (`TestValidateSignatureV3Pass1` to `Pass4`); plivo-python and
    /// plivo-node ship none.
    const GO_TOKEN: &str = "Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4";
    const GO_NONCE: &str = "31627761595286130198";
    const GO_URL_QUERY: &str =
        "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d";
    const GO_URL: &str = "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml";
    const GO_PARAMS: &[(&str, &str)] = &[
        ("Direction", "outbound"),
        ("From", "19792014278"),
        ("ALegUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
        ("CallStatus", "in-progress"),
        ("BillRate", "0.002"),
        ("ParentAuthID", "MANWVLYTK4ZWU1YTY4QA"),
        (
            "To",
            "sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com",
        ),
        ("ALegRequestUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
        ("CallUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
        ("RequestUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
        (
            "SIP-H-To",
            "<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1",
        ),
        ("SessionStart", "2020-04-08 11:34:33.238707"),
        ("Event", "StartApp"),
    ];
    const GO_VECTORS: [(&Method, &str, &str); 4] = [
        (
            &Method::POST,
            GO_URL_QUERY,
            "k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c=",
        ),
        (
            &Method::GET,
            GO_URL_QUERY,
            "UBq8jAtd32wR8EK9VgxbBn4n5rpI/l1H9iN4WfSEHFQ=",
        ),
        (
            &Method::POST,
            GO_URL,
            "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0=",
        ),
        (
            &Method::GET,
            GO_URL,
            "i/MQsaQSAd6fiKhOh2qeeeLHZ9faldADSb3/7+Akfbc=",
        ),
    ];

    fn go_callback<'a>(method: &'a Method, url: &'a str) -> Callback<'a> {
        Callback {
            method,
            url,
            params: GO_PARAMS,
            nonce: GO_NONCE,
        }
    }

    #[test]
    fn the_go_sdk_vectors_sign_and_verify() {
        let verifier = SignatureV3::new(GO_TOKEN);
        for (method, url, signature) in GO_VECTORS {
            let callback = go_callback(method, url);
            assert_eq!(
                verifier.sign(&callback).unwrap(),
                signature,
                "{method} {url}"
            );
            assert_eq!(
                verifier.verify(&callback, signature),
                Ok(()),
                "{method} {url}"
            );
        }
    }

    #[test]
    fn any_of_several_signatures_matches() {
        let verifier = SignatureV3::new(GO_TOKEN);
        let (method, url, signature) = GO_VECTORS[0];
        let callback = go_callback(method, url);
        let other = GO_VECTORS[1].2;
        for header in [
            format!("{other},{signature}"),
            format!("{signature},{other}"),
            format!("{other}, {signature}"),
            format!(",{signature},"),
        ] {
            assert_eq!(verifier.verify(&callback, &header), Ok(()), "{header}");
        }
        assert_eq!(
            verifier.verify(&callback, other),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn tampering_fails() {
        let verifier = SignatureV3::new(GO_TOKEN);
        let (method, url, signature) = GO_VECTORS[0];
        let mut params = GO_PARAMS.to_vec();
        params[0].1 = "inbound";
        let other_query = GO_URL_QUERY.replace("c=d", "c=e");
        let http = GO_URL_QUERY.replace("https", "http");
        let tampered = [
            Callback {
                params: &params,
                ..go_callback(method, url)
            },
            Callback {
                params: &GO_PARAMS[1..],
                ..go_callback(method, url)
            },
            Callback {
                nonce: "31627761595286130199",
                ..go_callback(method, url)
            },
            go_callback(method, &other_query),
            go_callback(method, &http),
            go_callback(&Method::GET, url),
        ];
        for callback in tampered {
            assert_eq!(
                verifier.verify(&callback, signature),
                Err(SignatureError::NoMatch)
            );
        }
        let callback = go_callback(method, url);
        let mut flipped = signature.to_string();
        flipped.replace_range(0..1, "j");
        for bad in [
            &flipped,
            &signature[..signature.len() - 1],
            "not base64!",
            &format!("{signature}AAAA"),
        ] {
            assert_eq!(
                verifier.verify(&callback, bad),
                Err(SignatureError::NoMatch),
                "{bad}"
            );
        }
        let wrong_token = SignatureV3::new("Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc5");
        assert_eq!(
            wrong_token.verify(&callback, signature),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn unicode_and_list_values_round_trip() {
        let verifier = SignatureV3::new("my_auth_token");
        let params = [("Name", "Zoë 李"), ("Digits", "2"), ("Digits", "1")];
        let callback = Callback {
            method: &Method::POST,
            url: "https://example.com/cb?x=%E2%82%AC",
            params: &params,
            nonce: "n",
        };
        assert_eq!(
            callback.string_to_sign().unwrap(),
            "https://example.com/cb?x=€.Digits1Digits2NameZoë 李.n"
        );
        let signature = verifier.sign(&callback).unwrap();
        assert_eq!(verifier.verify(&callback, &signature), Ok(()));
        let reordered = [("Digits", "1"), ("Name", "Zoë 李"), ("Digits", "2")];
        assert_eq!(
            verifier.verify(
                &Callback {
                    params: &reordered,
                    ..callback
                },
                &signature
            ),
            Ok(())
        );
        let changed = [("Name", "Zoe 李"), ("Digits", "2"), ("Digits", "1")];
        assert_eq!(
            verifier.verify(
                &Callback {
                    params: &changed,
                    ..callback
                },
                &signature
            ),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn empty_inputs_are_their_own_errors() {
        let verifier = SignatureV3::new(GO_TOKEN);
        let callback = go_callback(&Method::POST, GO_URL);
        for header in ["", " ", ",", " , "] {
            assert_eq!(
                verifier.verify(&callback, header),
                Err(SignatureError::MissingSignature)
            );
        }
        let no_nonce = Callback {
            nonce: "",
            ..callback
        };
        assert_eq!(
            verifier.verify(&no_nonce, "x"),
            Err(SignatureError::MissingNonce)
        );
        assert_eq!(
            SignatureV3::new("").sign(&callback),
            Err(SignatureError::EmptyAuthToken)
        );
        assert_eq!(
            SignatureV3::new("").verify(&callback, "x"),
            Err(SignatureError::EmptyAuthToken)
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_token() {
        let verifier = SignatureV3::new(GO_TOKEN);
        let debug = format!("{verifier:?} {:#?}", verifier.clone());
        assert!(!debug.contains(GO_TOKEN), "{debug}");
        assert!(debug.contains(REDACTED), "{debug}");
        let callback = go_callback(&Method::POST, GO_URL);
        for error in [
            verifier.verify(&callback, "nope").unwrap_err(),
            verifier
                .verify(
                    &Callback {
                        nonce: "",
                        ..callback
                    },
                    "x",
                )
                .unwrap_err(),
            verifier
                .verify(
                    &Callback {
                        url: "ftp://x",
                        ..callback
                    },
                    "x",
                )
                .unwrap_err(),
        ] {
            let text = format!("{error} {error:?}");
            assert!(!text.contains(GO_TOKEN), "{text}");
        }
    }
}
