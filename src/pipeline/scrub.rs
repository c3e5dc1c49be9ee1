//! Keeps this client's own credentials out of error texts.
//!
//! A proxy that echoes the request head into its error page would otherwise
//! put `Basic base64(auth_id:token)` into [`Error::Api`](crate::Error::Api)'s
//! body excerpt, and from there into logs. Every text an error keeps from
//! the network passes through [`Secrets`]: the whole text is scrubbed before
//! it is cut to its limit (so a secret across the cut is not half kept), and
//! a cut text whose end is the start of a secret loses that end too.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use memchr::memmem::Finder;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};

/// What replaces a secret in a scrubbed text.
pub(crate) const REDACTED: &str = "** redacted **";

/// The shortest end of a cut text taken for the start of a secret.
const MIN_TAIL: usize = 4;

/// How far past an excerpt's end its scrubbing looks, beyond the longest
/// secret form: room for an `Authorization:` prefix before the value.
const WINDOW_SLACK: usize = 64;

/// The forms the token can take in an echo: as it is, and base64 (standard
/// and URL-safe, padded or not) of `auth_id:token` and of the token alone;
/// each also as a JSON string escapes it (`\/`, `\"`, `\\`), as a URL
/// percent-encodes it (upper- and lower-case hex), and as Rust's `{:?}`
/// quotes it (what serde's messages do).
pub(crate) struct Secrets {
    /// The forms, longest first.
    forms: Vec<SecretString>,
    /// A substring searcher for each form, in the same order. Their
    /// needles are copies of the forms, not zeroed on drop; `Debug` above
    /// prints neither.
    finders: Vec<Finder<'static>>,
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
        let mut base = vec![token.to_string()];
        for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            base.push(engine.encode(&pair));
            base.push(engine.encode(token));
        }
        let mut forms = Vec::new();
        for form in &base {
            forms.push(json_escaped(form));
            forms.push(percent_encoded(form, false));
            forms.push(percent_encoded(form, true));
            forms.push(form.clone());
        }
        let debug = format!("{token:?}");
        forms.push(debug[1..debug.len() - 1].to_string());
        forms.retain(|f| !f.is_empty());
        // Longest first: a cut text's end is matched against the longest
        // form it could start.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        let finders = forms
            .iter()
            .map(|f| Finder::new(f.as_bytes()).into_owned())
            .collect();
        Secrets {
            forms: forms.into_iter().map(SecretString::from).collect(),
            finders,
        }
    }

    /// Whether `text` holds any form of the secret.
    #[cfg(test)]
    pub(crate) fn found_in(&self, text: &str) -> bool {
        self.finders
            .iter()
            .any(|f| f.find(text.as_bytes()).is_some())
    }

    /// Where each form occurs in `text`, overlapping occurrences too (of
    /// one form with itself, and of one form with another), unordered.
    fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        let text = text.as_bytes();
        let mut spans = Vec::new();
        for finder in &self.finders {
            let len = finder.needle().len();
            let mut from = 0;
            while let Some(at) = finder.find(&text[from..]) {
                spans.push((from + at, from + at + len));
                from += at + 1;
            }
        }
        spans
    }

    /// `text` with every form of the secret, and the value of anything that
    /// looks like an `Authorization` header, replaced by [`REDACTED`].
    /// Forms that overlap (the token's end the start of its base64) are
    /// replaced together: no part of either is kept.
    pub(crate) fn scrub(&self, text: String) -> String {
        let text = redact_authorization(text);
        let mut spans = self.spans(&text);
        if spans.is_empty() {
            return text;
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        // By start: a span that begins inside the last one redacted only
        // widens it. Matches of UTF-8 forms start and end at character
        // boundaries.
        for (start, end) in spans {
            if start >= copied {
                out.push_str(&text[copied..start]);
                out.push_str(REDACTED);
            }
            copied = copied.max(end);
        }
        out.push_str(&text[copied..]);
        out
    }

    /// At most `limit` bytes of `text`, scrubbed, `…` added where it was cut.
    pub(crate) fn bounded(&self, text: String, limit: usize) -> String {
        let mut text = self.scrub(text);
        if self.cut(&mut text, limit) {
            text.push('…');
        }
        text
    }

    /// The start of `body` (at most `limit` bytes, lossily decoded),
    /// scrubbed. Only as much of the body as could hold a secret that
    /// reaches into the excerpt is looked at.
    pub(crate) fn excerpt(&self, body: &[u8], limit: usize) -> String {
        let window = limit + self.longest() + WINDOW_SLACK;
        let body = &body[..body.len().min(window)];
        let mut text = self.scrub(String::from_utf8_lossy(body).into_owned());
        self.cut(&mut text, limit);
        text
    }

    /// Cuts a scrubbed `text` to at most `limit` bytes (at a character
    /// boundary), dropping an end that starts a secret; whether it cut.
    fn cut(&self, text: &mut String, limit: usize) -> bool {
        if text.len() <= limit {
            return false;
        }
        text.truncate(floor_char_boundary(text, limit));
        self.scrub_tail(text);
        true
    }

    fn longest(&self) -> usize {
        self.forms.first().map_or(0, |f| f.expose_secret().len())
    }

    /// A cut text whose end is the start of a secret loses that end.
    fn scrub_tail(&self, text: &mut String) {
        for form in &self.forms {
            let form = form.expose_secret();
            let longest = (form.len() - 1).min(text.len());
            if let Some(n) = (MIN_TAIL..=longest)
                .rev()
                .find(|&n| form.is_char_boundary(n) && text.ends_with(&form[..n]))
            {
                text.truncate(text.len() - n);
                text.push_str(REDACTED);
                return;
            }
        }
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// `"`, `\` and `/` escaped as a JSON encoder may write them.
fn json_escaped(form: &str) -> String {
    form.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('/', "\\/")
}

/// Every byte but unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX`, with
/// upper- or lower-case hex.
fn percent_encoded(form: &str, lower: bool) -> String {
    const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let upper = utf8_percent_encode(form, RESERVED).to_string();
    if !lower {
        return upper;
    }
    // The two hex digits after each `%` (an unreserved letter keeps its
    // case; a `%` of the form is itself `%25`).
    let mut hex = 0;
    upper
        .chars()
        .map(|c| {
            if hex > 0 {
                hex -= 1;
                c.to_ascii_lowercase()
            } else {
                if c == '%' {
                    hex = 2;
                }
                c
            }
        })
        .collect()
}

/// The value after `authorization` (any case), whoever's credentials it
/// holds, replaced by [`REDACTED`]: after `:` or `=` (with quotes, brackets
/// and spaces around them: `Authorization: Basic …`, `"authorization":
/// ["Bearer …"]`, Go's `map[Authorization:[…]]`), or after a scheme word, up
/// to the end of the line, of a quoted value, or of a bracket.
fn redact_authorization(text: String) -> String {
    const NAME: &str = "authorization";
    let lower = text.to_ascii_lowercase();
    if !lower.contains(NAME) {
        return text;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(NAME) {
        let name_end = from + found + NAME.len();
        let mut at = name_end;
        let mut assigned = false;
        let mut quote = None;
        while at < bytes.len() && at - name_end < 12 && b"\"': =\t[".contains(&bytes[at]) {
            assigned |= bytes[at] == b':' || bytes[at] == b'=';
            if bytes[at] == b'"' || bytes[at] == b'\'' {
                quote = Some(bytes[at]);
            }
            at += 1;
        }
        // `Authorization Basic …` with no `:`: a scheme word makes it a header.
        let scheme_follows = ["basic ", "bearer ", "digest ", "token "]
            .iter()
            .any(|scheme| lower[at..].starts_with(scheme));
        let value_start = at;
        // The scheme (a word and its spaces) stays readable.
        let word = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let spaces = bytes[at + word..]
            .iter()
            .take_while(|b| **b == b' ')
            .count();
        if word > 0 && spaces > 0 {
            at += word + spaces;
        }
        let end = match quote {
            // Up to the closing quote that is not escaped.
            Some(q) => (at..bytes.len())
                .find(|&i| bytes[i] == q && (i == at || bytes[i - 1] != b'\\'))
                .unwrap_or(bytes.len()),
            None => bytes[at..]
                .iter()
                .position(|b| b"\r\n<]&".contains(b))
                .map_or(bytes.len(), |n| at + n),
        };
        if (assigned || (value_start > name_end && scheme_follows)) && end > at {
            out.push_str(&text[copied..at]);
            out.push_str(REDACTED);
            copied = end;
        }
        from = end.max(name_end);
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";

    fn secrets(token: &str) -> Secrets {
        Secrets::new(AUTH_ID, &SecretString::from(token))
    }

    #[test]
    fn every_form_is_replaced() {
        let secrets = secrets("t0k3n-v4lue");
        let header = format!(
            "Basic {}",
            STANDARD.encode(format!("{AUTH_ID}:t0k3n-v4lue"))
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

    #[test]
    fn escaped_and_encoded_echoes_are_replaced() {
        // A token whose base64 pair holds `/` and `+`, and with a quote.
        let token = "s3cr\"t?>>>~~";
        let secrets = secrets(token);
        let b64 = STANDARD.encode(format!("{AUTH_ID}:{token}"));
        assert!(b64.contains('/') || b64.contains('+'), "{b64}");
        for echo in [
            format!(r#"{{"headers":{{"x":"{}"}}}}"#, json_escaped(&b64)),
            format!("GET /?auth={}", percent_encoded(&b64, false)),
            format!("GET /?auth={}", percent_encoded(&b64, true)),
            format!("invalid type: string {token:?}"),
            format!("token={}", percent_encoded(token, true)),
        ] {
            let clean = secrets.scrub(echo.clone());
            assert!(clean.contains(REDACTED), "{echo} -> {clean}");
            assert!(!clean.contains("s3cr"), "{echo} -> {clean}");
        }
    }

    #[test]
    fn overlapping_forms_are_redacted_whole() {
        // The token ends where its base64 pair begins (`MA…` encodes to
        // `TUF…`): the echo is the token and the pair sharing that `T`.
        // Replacing one form, longest or leftmost, would leave most of the
        // other.
        let token = "tok-v4lueT";
        let secrets = secrets(token);
        let pair = STANDARD.encode(format!("{AUTH_ID}:{token}"));
        assert!(pair.starts_with('T'), "{pair}");
        let echo = format!("<{token}{}>", &pair[1..]);
        assert_eq!(secrets.scrub(echo), format!("<{REDACTED}>"));
    }

    #[test]
    fn a_form_overlapping_itself_is_redacted_whole() {
        // `abcab` twice, sharing `ab`: the second occurrence starts inside
        // the first, and no byte of either is kept.
        let secrets = secrets("abcab-abcab");
        let echo = "[abcab-abcab-abcab]".to_string();
        assert_eq!(secrets.scrub(echo), format!("[{REDACTED}]"));
    }

    #[test]
    fn any_authorization_value_is_redacted() {
        let secrets = secrets("mine");
        for (echo, kept) in [
            (
                "authorization: Basic QWxhZGRpbjpvcGVu\r\nhost: x",
                "host: x",
            ),
            ("Authorization:  Basic  Zm9vOmJhcg==\nx", "\nx"),
            (r#"{"Authorization":"Bearer abc.def-ghi"}"#, "\"}"),
            (
                r#"{"authorization": ["Basic Zm9vOmJhcg=="], "x": 1}"#,
                "\"], \"x\": 1}",
            ),
            (
                "map[Authorization:[Basic Zm9vOmJhcg==] Host:[x]]",
                "] Host:[x]]",
            ),
            ("AUTHORIZATION=Zm9vOmJhcg==&next=1", "&next=1"),
            (
                "Authorization: Digest username=\"Zm9v\", response=\"abc.\"\r\n",
                "\r\n",
            ),
            (
                r#"{"authorization":"Digest username=\"Zm9v\", response=\"abc.\""}"#,
                "\"}",
            ),
            ("authorization Token QWxhZGRpbjpvcGVu<br>", "<br>"),
            ("Authorization: Basic Zm9vOmJhcg==é", ""),
        ] {
            let clean = secrets.scrub(echo.into());
            assert!(
                clean.contains(REDACTED) && clean.ends_with(kept),
                "{echo} -> {clean}"
            );
            assert!(
                !clean.contains("QWxh") && !clean.contains("abc.") && !clean.contains("Zm9v"),
                "{clean}"
            );
        }
        // A word, not a header: left alone; and no panic on a text that
        // ends right after the name.
        for text in ["authorization failed", "no authorization", "authorization:"] {
            assert_eq!(secrets.scrub(text.to_string()), text);
        }
    }

    #[test]
    fn a_secret_across_the_cut_is_not_half_kept() {
        let token = "tok-SUPERSECRET-123";
        let secrets = secrets(token);
        let header = STANDARD.encode(format!("{AUTH_ID}:{token}"));
        for pad in 480..512 {
            let body = format!("{}Authorizatio {header} and {token} again", "x".repeat(pad));
            let excerpt = secrets.excerpt(body.as_bytes(), 512);
            assert!(excerpt.len() <= 512 + REDACTED.len(), "{pad}");
            for n in MIN_TAIL..header.len() {
                assert!(!excerpt.ends_with(&header[..n]), "{pad}: {excerpt}");
            }
            assert!(!excerpt.contains("tok-SUP"), "{pad}: {excerpt}");
        }
        // A text cut inside a secret it never held whole (the body was
        // itself cut) loses the secret's start.
        let cut = format!("{}{}", "y".repeat(500), &token[..10]);
        let bounded = secrets.bounded(cut, 505);
        assert!(bounded.ends_with(&format!("{REDACTED}…")), "{bounded}");
        assert!(!bounded.contains("tok-S"), "{bounded}");
    }
}
