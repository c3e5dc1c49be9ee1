//! [`PhloClient::request`]: an operation the spec does not have yet, through
//! the same pipeline as every spec operation.

use reqwest::{
    Method,
    header::{ACCEPT, HeaderValue},
};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    address::Address,
    client::PhloClient,
    error::Error,
    ids::{Id, route_reason},
    template::{Segment, Template},
    trace::Label,
    transport,
};

impl PhloClient {
    /// Sends a request the shipped spec does not describe, through the same
    /// pipeline as [`operations`](Self::operations): checks before any I/O,
    /// typed [`Error`]s that keep the status, a 2xx `error` refused, the
    /// retry policy by method (never a second POST), the body limit and the
    /// `phlo.request` span (with `operation_id = "request"` and this
    /// template as `path`).
    ///
    /// `template` is a path below the base URL with `{name}` placeholders,
    /// each a whole segment: `/phlo/{phlo_id}/conference_bridge/{node_id}`.
    /// `values` fill them in order; each must be an id (letters, digits,
    /// `-`, `_`) or an address (phone number or SIP URI), and goes in raw.
    /// The template is traced: a literal segment of 6 to 15 digits is
    /// refused as a phone number (pass it as a value).
    /// `body`, if any, is sent as JSON. Decode the answer as
    /// `serde_json::Value` or as your own type.
    ///
    /// ```no_run
    /// # async fn demo(client: plivo_phlo::PhloClient) -> Result<(), plivo_phlo::Error> {
    /// use plivo_phlo::reqwest::Method;
    /// let node: serde_json::Value = client
    ///     .request(
    ///         Method::GET,
    ///         "/phlo/{phlo_id}/queue/{node_id}",
    ///         &["4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "5f1e2d3c-4b5a-4969-8877-665544332211"],
    ///         None::<&()>,
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn request<T: DeserializeOwned + Send>(
        &self,
        method: Method,
        template: &str,
        values: &[&str],
        body: Option<&impl Serialize>,
    ) -> Result<T, Error> {
        let path = fill(template, values)?;
        let inner = self.inner();
        let mut request = inner
            .http()
            .request(method, format!("{}{path}", self.base_url()))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = body {
            request = request.json(body);
        }
        let label = Label {
            id: "request",
            path: template,
        };
        transport::execute(
            inner,
            self.options(),
            request.build().map_err(transport::unbuildable),
            label,
        )
        .await
    }
}

/// The template with its placeholders filled, or why it cannot be.
fn fill(template: &str, values: &[&str]) -> Result<String, Error> {
    let bad = |reason: String| Error::invalid("template", template, reason);
    if !template.starts_with('/') {
        return Err(bad("must start with '/'".into()));
    }
    let mut path = String::with_capacity(template.len() + 64);
    let mut next = values.iter();
    let mut used = 0;
    for segment in Template(template).segments() {
        path.push('/');
        match segment {
            Segment::Placeholder {
                name,
                prefix,
                suffix,
            } => {
                for part in [prefix, suffix] {
                    if !part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
                    {
                        return Err(bad(format!(
                            "{{{name}}} sits between {prefix:?} and {suffix:?}, which must be \
                             letters, digits and -._~"
                        )));
                    }
                }
                let value = next.next().ok_or_else(|| {
                    bad(format!(
                        "has more placeholders than the {} values given",
                        values.len()
                    ))
                })?;
                used += 1;
                if !(Id::is_valid(value) || Address::is_valid(value)) {
                    let reason = route_reason(value).unwrap_or_else(|| {
                        "expected an id (letters, digits, '-', '_') or an address (phone \
                         number or SIP URI)"
                            .into()
                    });
                    return Err(Error::InvalidInput {
                        field: "path value",
                        value: value.to_string(),
                        reason: format!("for {{{name}}} {reason}"),
                    });
                }
                path.push_str(prefix);
                path.push_str(value);
                path.push_str(suffix);
            }
            Segment::Literal(segment) => {
                let literal_ok = !segment.is_empty()
                    && segment != "."
                    && segment != ".."
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
                if !literal_ok {
                    return Err(bad(format!(
                        "segment {segment:?} must be a {{placeholder}} or letters, digits and \
                         -._~ (not empty, not a dot segment)"
                    )));
                }
                // The template is traced; values never are. A segment that is
                // all digits, 6 to 15 of them, is a phone number (an id
                // written into the template, with its letters, is not).
                if (6..=15).contains(&segment.len()) && segment.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(bad(format!(
                        "segment {segment:?} looks like a phone number; pass it as a \
                         {{placeholder}} value (the template is traced, values never are)"
                    )));
                }
                path.push_str(segment);
            }
        }
    }
    if used < values.len() {
        return Err(bad(format!(
            "has {used} placeholders but {} values were given",
            values.len()
        )));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn templates_are_filled_or_refused_by_name() {
        assert_eq!(
            fill("/phlo/{p}/members/{m}", &["abc", "sip:a@b.com"]).unwrap(),
            "/phlo/abc/members/sip:a@b.com"
        );
        for (template, values, needle) in [
            ("phlo/{p}", &["a"][..], "must start with '/'"),
            ("/phlo/{p}", &[][..], "more placeholders"),
            ("/phlo/{p}", &["a", "b"][..], "1 placeholders but 2 values"),
            ("/phlo/../{p}", &["a"][..], "dot segment"),
            ("/phlo/a?b", &[][..], "segment \"a?b\""),
            ("/phlo//x", &[][..], "segment \"\""),
            ("/members/14155550123", &[][..], "looks like a phone number"),
            ("/members/441234", &[][..], "looks like a phone number"),
        ] {
            let err = fill(template, values).unwrap_err().to_string();
            assert!(err.contains(needle), "{template}: {err}");
        }
        // Ids in the template (hex with digit runs) and short numbers pass.
        fill("/phlo/4c9b2a31-7f8e-4d2c-9a6b-312345678920/notes/2024", &[]).unwrap();
        fill("/v1x/12345/{p}", &["a"]).unwrap();
        let err = fill("/phlo/{p}", &["../x"]).unwrap_err().to_string();
        assert!(err.contains("for {p} contains '/'"), "{err}");
        let err = fill("/phlo/{p}", &["a b"]).unwrap_err().to_string();
        assert!(err.contains("whitespace"), "{err}");
        // A placeholder inside its segment, as Plivo writes `name_{mpc_name}`.
        assert_eq!(
            fill("/MultiPartyCall/name_{n}/x{m}.json", &["support", "7"]).unwrap(),
            "/MultiPartyCall/name_support/x7.json"
        );
        let err = fill("/MultiPartyCall/na me_{n}/", &["a"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("sits between \"na me_\" and \"\""), "{err}");
        let err = fill("/MultiPartyCall/{a}{b}/", &["x", "y"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("segment \"{a}{b}\""),
            "two in one segment: {err}"
        );
    }
}
