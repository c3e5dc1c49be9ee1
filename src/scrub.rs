//! Keeps this client's own credentials out of error texts.
//!
//! A proxy that echoes the request head into its error page would otherwise
//! put `Basic base64(auth_id:token)` into [`Error::Api`](crate::Error::Api)'s
//! body excerpt, and from there into logs. Every text an error keeps from
//! the network passes through [`Secrets::scrub`].

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};

/// What replaces a secret in a scrubbed text.
pub(crate) const REDACTED: &str = "** redacted **";

/// The forms the token can take on the wire: as it is, and base64 (standard
/// and URL-safe, padded or not) of `auth_id:token` and of the token alone.
pub(crate) struct Secrets {
    forms: Vec<SecretString>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Secrets {
    pub(crate) fn new(auth_id: &str, token: &SecretString) -> Self {
        let token = token.expose_secret();
        let pair = format!("{auth_id}:{token}");
        let mut forms = vec![token.to_string()];
        for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            forms.push(engine.encode(&pair));
            forms.push(engine.encode(token));
        }
        // Longest first, so a form is never left half-replaced by a shorter one.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        Secrets {
            forms: forms
                .into_iter()
                .filter(|f| !f.is_empty())
                .map(SecretString::from)
                .collect(),
        }
    }

    /// Whether `text` holds any form of the secret.
    pub(crate) fn found_in(&self, text: &str) -> bool {
        self.forms.iter().any(|f| text.contains(f.expose_secret()))
    }

    /// `text` with every form of the secret replaced by [`REDACTED`].
    pub(crate) fn scrub(&self, text: String) -> String {
        if !self.found_in(&text) {
            return text;
        }
        let mut text = text;
        for form in &self.forms {
            text = text.replace(form.expose_secret(), REDACTED);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_replaced() {
        let secrets = Secrets::new("MAXXXXXXXXXXXXXXXXXX", &SecretString::from("t0k3n-v4lue"));
        let header = format!(
            "Basic {}",
            STANDARD.encode("MAXXXXXXXXXXXXXXXXXX:t0k3n-v4lue")
        );
        let echoed = format!(
            "<pre>Authorization: {header}\nx-token: t0k3n-v4lue\nb64: {}</pre>",
            URL_SAFE_NO_PAD.encode("t0k3n-v4lue")
        );
        assert!(secrets.found_in(&echoed));
        let clean = secrets.scrub(echoed);
        assert!(!secrets.found_in(&clean), "{clean}");
        assert_eq!(clean.matches(REDACTED).count(), 3, "{clean}");
        assert!(
            clean.contains("Authorization: Basic ** redacted **"),
            "{clean}"
        );
        assert_eq!(secrets.scrub("nothing here".into()), "nothing here");
        assert_eq!(format!("{secrets:?}"), REDACTED);
    }
}
