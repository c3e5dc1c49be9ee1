//! Paths, in one place: [`Template`], a path template such as
//! `/phlo/{phlo_id}/runs/{run_id}` (its segments, filled by
//! [`PhloClient::request`], matched by MockPhlo's routing), and the one
//! answer to "would this value change the route?" ([`route_reason`] for a
//! value that goes in as it is, [`push_encoded`] for one percent-encoded).
//!
//! [`PhloClient::request`]: crate::PhloClient::request

/// A path template: `/`-separated segments, each a literal or one `{name}`
/// placeholder, which may sit between a literal prefix and suffix inside
/// its segment (Plivo's `/MultiPartyCall/name_{mpc_name}/`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Template<'t>(pub(crate) &'t str);

/// One segment of a [`Template`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Segment<'t> {
    Literal(&'t str),
    /// `prefix{name}suffix`; prefix and suffix are often empty.
    Placeholder {
        name: &'t str,
        prefix: &'t str,
        suffix: &'t str,
    },
}

impl<'t> Segment<'t> {
    fn parse(s: &'t str) -> Self {
        let Some((prefix, rest)) = s.split_once('{') else {
            return Segment::Literal(s);
        };
        match rest.split_once('}') {
            Some((name, suffix)) if ![prefix, suffix].iter().any(|p| p.contains(['{', '}'])) => {
                Segment::Placeholder {
                    name,
                    prefix,
                    suffix,
                }
            }
            // Not one placeholder: a literal, which the users of a template refuse.
            _ => Segment::Literal(s),
        }
    }
}

impl<'t> Template<'t> {
    /// Its segments, after the leading `/`.
    pub(crate) fn segments(self) -> impl Iterator<Item = Segment<'t>> {
        self.0
            .trim_start_matches('/')
            .split('/')
            .map(Segment::parse)
    }

    /// The path values by name when `path` (its segments, after `/v1/`)
    /// follows the template: the same number of segments, literals equal,
    /// each placeholder's prefix and suffix in place around a value that is
    /// not empty.
    #[cfg_attr(not(feature = "mock-server"), allow(dead_code))]
    pub(crate) fn matches<'p>(self, path: &[&'p str]) -> Option<Vec<(&'t str, &'p str)>> {
        let mut values = Vec::new();
        let mut count = 0;
        for (segment, value) in self.segments().zip(path) {
            count += 1;
            match segment {
                Segment::Literal(l) if l == *value => {}
                Segment::Placeholder {
                    name,
                    prefix,
                    suffix,
                } => {
                    let inner = value.strip_prefix(prefix)?.strip_suffix(suffix)?;
                    if inner.is_empty() {
                        return None;
                    }
                    values.push((name, inner));
                }
                Segment::Literal(_) => return None,
            }
        }
        (count == path.len() && self.segments().count() == path.len()).then_some(values)
    }
}

/// Why a path value would change the route even percent-encoded: an
/// empty segment, or a dot segment.
fn empty_or_dot(value: &str) -> Option<&'static str> {
    match value {
        "" => Some("is empty"),
        "." | ".." => Some("is a dot segment, which would change the request path"),
        _ => None,
    }
}

/// Why a value put into a path as it is (an id, an address, a raw
/// request's value) would change the route, if it would.
pub(crate) fn route_reason(value: &str) -> Option<String> {
    if let Some(reason) = empty_or_dot(value) {
        return Some(reason.into());
    }
    if value.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
    }
    if value.chars().any(char::is_control) {
        return Some("contains a control character".into());
    }
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#' | '%' | '\\'))
    {
        return Some(format!(
            "contains {c:?}, which would change the request path"
        ));
    }
    None
}

/// Characters a path value is percent-encoded for: everything but the
/// unreserved ones and the sub-delimiters and `:` and `@` that a path
/// segment may hold as they are (RFC 3986 `pchar`).
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Appends a path value percent-encoded, or says why it would still
/// change the route.
pub(crate) fn push_encoded(url: &mut String, value: &str) -> Result<(), &'static str> {
    if let Some(reason) = empty_or_dot(value) {
        return Err(reason);
    }
    url.extend(percent_encoding::utf8_percent_encode(value, PATH_VALUE));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_matching() {
        let t = Template("/phlo/{phlo_id}/runs/{run_id}");
        assert_eq!(
            t.segments().collect::<Vec<_>>(),
            [
                Segment::Literal("phlo"),
                Segment::Placeholder {
                    name: "phlo_id",
                    prefix: "",
                    suffix: ""
                },
                Segment::Literal("runs"),
                Segment::Placeholder {
                    name: "run_id",
                    prefix: "",
                    suffix: ""
                }
            ]
        );
        assert_eq!(
            t.matches(&["phlo", "p", "runs", "r"]),
            Some(vec![("phlo_id", "p"), ("run_id", "r")])
        );
        assert_eq!(t.matches(&["phlo", "", "runs", "r"]), None);
        assert_eq!(t.matches(&["phlo", "p", "runs"]), None);
        assert_eq!(t.matches(&["phlo", "p", "runs", "r", "x"]), None);
        assert_eq!(t.matches(&["PHLO", "p", "runs", "r"]), None);
        // A trailing slash is an empty last segment, on both sides.
        let slash = Template("/Account/{auth_id}/MultiPartyCall/");
        assert!(
            slash
                .matches(&["Account", "MA1", "MultiPartyCall", ""])
                .is_some()
        );
        assert!(
            slash
                .matches(&["Account", "MA1", "MultiPartyCall"])
                .is_none()
        );
        // A placeholder inside its segment, as Plivo writes `name_{mpc_name}`.
        let inside = Template("/MultiPartyCall/name_{mpc_name}/x{n}.json");
        assert_eq!(
            inside.matches(&["MultiPartyCall", "name_support", "x7.json"]),
            Some(vec![("mpc_name", "support"), ("n", "7")])
        );
        assert_eq!(
            inside.matches(&["MultiPartyCall", "name_", "x7.json"]),
            None
        );
        assert_eq!(
            inside.matches(&["MultiPartyCall", "uuid_1", "x7.json"]),
            None
        );
        assert_eq!(
            inside.matches(&["MultiPartyCall", "name_a", "x7.txt"]),
            None
        );
        assert_eq!(
            Template("/a/{x}{y}").segments().nth(1),
            Some(Segment::Literal("{x}{y}")),
            "two placeholders in one segment are not a placeholder"
        );
    }
}
