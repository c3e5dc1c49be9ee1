//! What Plivo signs: the callback's URL, parameters and nonce as one string.

use std::borrow::Cow;
use std::collections::BTreeMap;

use http::Method;

use super::SignatureError;

/// One callback as your server received it: what its signature covers.
///
/// `params` are the request's parameters as (name, value) pairs: for a POST
/// the form fields of its body, for a GET any you parsed out of the URL
/// yourself (or none: the URL's own query is always taken into account). A
/// name may appear several times (a list value).
#[derive(Debug, Clone, Copy)]
pub struct Callback<'a> {
    /// The request method: [`Method::GET`] or [`Method::POST`].
    pub method: &'a Method,
    /// The full URL Plivo called, as configured (scheme, host, port, path and
    /// query; a fragment is ignored).
    pub url: &'a str,
    /// The request's parameters, in any order.
    pub params: &'a [(&'a str, &'a str)],
    /// The `X-Plivo-Signature-V3-Nonce` header.
    pub nonce: &'a str,
}

/// Names, each with its values, sorted by name (code point order, as
/// Python's `sorted`); the values are sorted when written.
type Grouped<'a> = BTreeMap<Cow<'a, str>, Vec<Cow<'a, str>>>;

impl Callback<'_> {
    /// The string Plivo's V3 signature is the HMAC of, as plivo-python
    /// (`plivo/utils/signature_v3.py`) builds it:
    ///
    /// 1. The URL without its query and fragment: `scheme://authority/path`.
    ///    The scheme is lower-cased; the authority (host, port, any
    ///    `user:password@`) and the path are kept as written: no default port
    ///    removed, no trailing slash added or removed, no percent-decoding.
    ///    As Python's `urlparse`, a `;parameters` part of the path's last
    ///    segment is dropped.
    /// 2. The URL's query is decoded as a form (`+` is a space, `%XX`
    ///    escapes decoded, a name without `=` has an empty value, empty
    ///    pieces between `&`s skipped).
    /// 3. **GET** (and a POST without parameters): the query's and the
    ///    parameters' pairs, sorted by name, values of a repeated name sorted,
    ///    written `?name=value&name=value…` with no encoding; nothing at all
    ///    when there are none. A name in the URL's query replaces the
    ///    parameters of the same name (Python's `dict.update`), so passing
    ///    the full URL *and* the parameters parsed from it signs the same as
    ///    passing the URL alone.
    /// 4. **POST with parameters**: `?`, the URL's sorted query as for a GET,
    ///    a `.` if that query was not empty, then every parameter written
    ///    `namevalue` with no separator, sorted by name and then value.
    /// 5. `.` and the nonce.
    ///
    /// Where the SDKs differ, this follows Python:
    ///
    /// - plivo-ruby (`Plivo::Utils.valid_signatureV3?`) always writes the
    ///   `?`: a callback with no query and no parameters is signed
    ///   `https://host/path?.nonce` there, `https://host/path.nonce` here and
    ///   in Python, Go and Node.
    /// - For a GET name in both the URL's query and the parameters, plivo-go
    ///   keeps the parameter's value and plivo-node keeps both.
    /// - plivo-go keeps only the first value of a name repeated in the URL's
    ///   query, and signs the percent-decoded path.
    /// - Non-ASCII text in the URL (raw, or percent-encoded in its query)
    ///   makes Python's `validate_v3_signature` raise on Python 3.11 and 3.12
    ///   (3.13 signs each UTF-8 byte as a Latin-1 character). This signs it as
    ///   UTF-8, as Go and Node do for a percent-encoded query; an escape that
    ///   is not UTF-8 becomes U+FFFD. Non-ASCII parameter values are signed
    ///   as UTF-8 by every SDK.
    /// - An upper-case scheme (`HTTPS://`) is lower-cased, as Python's
    ///   `construct_get_url` and Go do; Python's `validate_v3_signature`
    ///   refuses such a URL before signing (its URL check wants `http://` or
    ///   `https://`).
    /// - A method other than GET or POST is an error here and in Python. The
    ///   method is read without regard to case: plivo-python's validator
    ///   (`is_in(.., case_sensitive=False)`) upper-cases it before signing,
    ///   so a lower-case `get` is signed as a GET.
    ///
    /// # Errors
    ///
    /// [`SignatureError::MissingNonce`] for an empty nonce,
    /// [`SignatureError::UnsupportedMethod`], and
    /// [`SignatureError::MalformedUrl`] for a URL that is not absolute `http`
    /// or `https` with a host, or holds a space or control character.
    pub fn string_to_sign(&self) -> Result<String, SignatureError> {
        if self.nonce.is_empty() {
            return Err(SignatureError::MissingNonce);
        }
        // Without regard to case, as plivo-python's validator upper-cases
        // the method before it signs.
        let method = self.method.as_str();
        let get = if method.eq_ignore_ascii_case("GET") {
            true
        } else if method.eq_ignore_ascii_case("POST") {
            false
        } else {
            return Err(SignatureError::UnsupportedMethod(self.method.clone()));
        };
        let url = SplitUrl::new(self.url)?;
        let mut out = String::with_capacity(self.url.len() + self.nonce.len() + 64);
        out.push_str(&url.scheme.to_ascii_lowercase());
        out.push_str("://");
        out.push_str(url.authority);
        out.push_str(url.path);

        let mut query = Grouped::new();
        for (name, value) in form_urlencoded::parse(url.query.as_bytes()) {
            query.entry(name).or_default().push(value);
        }
        if get || self.params.is_empty() {
            let mut all = grouped(self.params);
            all.extend(query);
            if !all.is_empty() {
                out.push('?');
                write_query(&mut out, all);
            }
        } else {
            out.push('?');
            if !query.is_empty() {
                write_query(&mut out, query);
                out.push('.');
            }
            for (name, mut values) in grouped(self.params) {
                values.sort_unstable();
                for value in values {
                    out.push_str(&name);
                    out.push_str(&value);
                }
            }
        }
        out.push('.');
        out.push_str(self.nonce);
        Ok(out)
    }
}

fn grouped<'a>(params: &[(&'a str, &'a str)]) -> Grouped<'a> {
    let mut map = Grouped::new();
    for &(name, value) in params {
        map.entry(Cow::Borrowed(name))
            .or_default()
            .push(Cow::Borrowed(value));
    }
    map
}

/// `name=value&name=value…`, names and then values sorted.
fn write_query(out: &mut String, query: Grouped<'_>) {
    let mut first = true;
    for (name, mut values) in query {
        values.sort_unstable();
        for value in values {
            if !first {
                out.push('&');
            }
            first = false;
            out.push_str(&name);
            out.push('=');
            out.push_str(&value);
        }
    }
}

/// A URL cut as Python's `urlparse` cuts it (RFC 3986's split), nothing
/// normalised.
struct SplitUrl<'a> {
    scheme: &'a str,
    authority: &'a str,
    path: &'a str,
    query: &'a str,
}

impl<'a> SplitUrl<'a> {
    fn new(url: &'a str) -> Result<Self, SignatureError> {
        let malformed = |reason| Err(SignatureError::MalformedUrl { reason });
        if url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return malformed("it holds a space or a control character");
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return malformed("it is not an absolute URL (scheme://host/path)");
        };
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return malformed("its scheme is not http or https");
        }
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, mut path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.is_empty() {
            return malformed("it has no host");
        }
        let last_segment = path.rfind('/').unwrap_or(0);
        if let Some(semicolon) = path[last_segment..].find(';') {
            path = &path[..last_segment + semicolon];
        }
        Ok(SplitUrl {
            scheme,
            authority,
            path,
            query,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(method: &Method, url: &str, params: &[(&str, &str)]) -> String {
        Callback {
            method,
            url,
            params,
            nonce: "12345",
        }
        .string_to_sign()
        .unwrap()
    }

    #[test]
    fn get_sorts_the_query_and_the_params_together() {
        assert_eq!(
            string(
                &Method::GET,
                "https://a.example/cb/?z=1&b=2",
                &[("c", "3"), ("a", "4")]
            ),
            "https://a.example/cb/?a=4&b=2&c=3&z=1.12345"
        );
    }

    #[test]
    fn without_query_or_params_there_is_no_question_mark() {
        // plivo-ruby would sign "https://a.example/cb?.12345".
        for method in [&Method::GET, &Method::POST] {
            assert_eq!(
                string(method, "https://a.example/cb", &[]),
                "https://a.example/cb.12345"
            );
        }
    }

    #[test]
    fn post_writes_the_query_a_dot_and_the_params_run_together() {
        assert_eq!(
            string(
                &Method::POST,
                "https://a.example/cb?b=2&a=1",
                &[("To", "x"), ("From", "y")]
            ),
            "https://a.example/cb?a=1&b=2.FromyTox.12345"
        );
        assert_eq!(
            string(
                &Method::POST,
                "https://a.example/cb",
                &[("To", "x"), ("From", "y")]
            ),
            "https://a.example/cb?FromyTox.12345"
        );
    }

    #[test]
    fn post_without_params_is_signed_like_a_get() {
        assert_eq!(
            string(&Method::POST, "https://a.example/cb?b=2&a=1", &[]),
            "https://a.example/cb?a=1&b=2.12345"
        );
    }

    #[test]
    fn repeated_names_are_lists_with_sorted_values() {
        let params = [("k", "b"), ("j", "z"), ("k", "a"), ("k", "c")];
        assert_eq!(
            string(&Method::POST, "https://a.example/", &params),
            "https://a.example/?jzkakbkc.12345"
        );
        assert_eq!(
            string(&Method::GET, "https://a.example/?q=2&q=1", &params),
            "https://a.example/?j=z&k=a&k=b&k=c&q=1&q=2.12345"
        );
    }

    #[test]
    fn the_query_is_decoded_and_values_are_not_encoded() {
        assert_eq!(
            string(
                &Method::GET,
                "https://a.example/?x=a+b%20c%26&y&=v&&z=",
                &[("é", "ü ö")]
            ),
            "https://a.example/?=v&x=a b c&&y=&z=&é=ü ö.12345"
        );
        assert_eq!(
            string(&Method::GET, "https://a.example/?x=%C3%A9%ZZ%e9", &[]),
            "https://a.example/?x=é%ZZ\u{fffd}.12345"
        );
    }

    #[test]
    fn a_get_query_name_replaces_the_params_of_that_name() {
        assert_eq!(
            string(
                &Method::GET,
                "https://a.example/?a=1&a=3",
                &[("a", "1"), ("a", "3"), ("a", "9")]
            ),
            "https://a.example/?a=1&a=3.12345"
        );
    }

    #[test]
    fn the_url_keeps_its_authority_and_path_as_written() {
        assert_eq!(
            string(
                &Method::GET,
                "HTTPS://User:pw@A.Example:443/P%2Fq//;x/r;s=1?#frag",
                &[]
            ),
            "https://User:pw@A.Example:443/P%2Fq//;x/r.12345"
        );
        assert_eq!(
            string(&Method::GET, "http://a.example?x=1#f?y", &[]),
            "http://a.example?x=1.12345"
        );
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let cases: [(&Method, &str, &str, SignatureError); 6] = [
            (
                &Method::GET,
                "https://a.example/",
                "",
                SignatureError::MissingNonce,
            ),
            (
                &Method::PUT,
                "https://a.example/",
                "1",
                SignatureError::UnsupportedMethod(Method::PUT),
            ),
            (
                &Method::GET,
                "/relative",
                "1",
                malformed("it is not an absolute URL (scheme://host/path)"),
            ),
            (
                &Method::GET,
                "ftp://a.example/",
                "1",
                malformed("its scheme is not http or https"),
            ),
            (
                &Method::GET,
                "https:///path",
                "1",
                malformed("it has no host"),
            ),
            (
                &Method::GET,
                "https://a.example/ x",
                "1",
                malformed("it holds a space or a control character"),
            ),
        ];
        for (method, url, nonce, expected) in cases {
            let callback = Callback {
                method,
                url,
                params: &[],
                nonce,
            };
            assert_eq!(callback.string_to_sign(), Err(expected), "{url}");
        }
        // Python upper-cases the method first: `get` is signed as a GET.
        let lower_get = Method::from_bytes(b"get").unwrap();
        let signed = |method| {
            Callback {
                method,
                url: "https://a.example/?b=2",
                params: &[("a", "1")],
                nonce: "1",
            }
            .string_to_sign()
        };
        assert_eq!(signed(&lower_get), signed(&Method::GET));
        assert_ne!(signed(&lower_get), signed(&Method::POST));
    }

    fn malformed(reason: &'static str) -> SignatureError {
        SignatureError::MalformedUrl { reason }
    }
}
