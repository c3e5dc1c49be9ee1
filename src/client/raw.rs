//! The path of a [`PhloClient::request`](crate::PhloClient::request): its
//! template filled with checked values, or why it cannot be.

use crate::{
    error::Error,
    values::{
        address::Address,
        ids::Id,
        path::{Segment, Template, route_reason},
    },
};

/// The template with its placeholders filled, or why it cannot be.
pub(crate) fn fill(template: &str, values: &[&str]) -> Result<String, Error> {
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
