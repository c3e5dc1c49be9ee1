//! [`Template`]: a path template such as `/phlo/{phlo_id}/runs/{run_id}`,
//! in one place: its segments, filling it ([`PhloClient::request`]) and
//! matching a path against it (MockPhlo's routing and its `on` routes).
//!
//! [`PhloClient::request`]: crate::PhloClient::request

/// A path template: `/`-separated segments, each a literal or a whole
/// `{name}` placeholder.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Template<'t>(pub(crate) &'t str);

/// One segment of a [`Template`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Segment<'t> {
    Literal(&'t str),
    Placeholder(&'t str),
}

impl<'t> Template<'t> {
    /// Its segments, after the leading `/`.
    pub(crate) fn segments(self) -> impl Iterator<Item = Segment<'t>> {
        self.0.trim_start_matches('/').split('/').map(|s| {
            match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Placeholder(name),
                None => Segment::Literal(s),
            }
        })
    }

    /// The path values by name when `path` (its segments, after `/v1/`)
    /// follows the template: the same number of segments, literals equal,
    /// no placeholder empty.
    #[cfg_attr(not(feature = "mock-server"), allow(dead_code))]
    pub(crate) fn matches<'p>(self, path: &[&'p str]) -> Option<Vec<(&'t str, &'p str)>> {
        let mut values = Vec::new();
        let mut count = 0;
        for (segment, value) in self.segments().zip(path) {
            count += 1;
            match segment {
                Segment::Literal(l) if l == *value => {}
                Segment::Placeholder(name) if !value.is_empty() => values.push((name, *value)),
                _ => return None,
            }
        }
        (count == path.len() && self.segments().count() == path.len()).then_some(values)
    }
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
                Segment::Placeholder("phlo_id"),
                Segment::Literal("runs"),
                Segment::Placeholder("run_id")
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
    }
}
