//! Which `pattern`s make a string safe to place in a URL path unencoded.
//!
//! Used by build.rs (included with `#[path]`) to skip percent-encoding for
//! path parameters whose generated type can only hold such strings, and
//! unit-tested here against regress, the engine the generated types use.

/// True when every string the pattern matches consists of unreserved URL
/// characters only. Accepts a small, conservative regex subset: anchored
/// `^...$`, literals, `[...]` classes of single characters and
/// digit/letter ranges, groups, alternation inside groups, and the
/// quantifiers `? * + {m} {m,n}`. Anything else (escapes, `.`, negated
/// classes, top-level `|`) counts as unsafe.
pub(crate) fn pattern_is_path_safe(pattern: &str) -> bool {
    fn unreserved(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
    }
    let Some(body) = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')) else {
        return false;
    };
    let chars: Vec<char> = body.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '(' => depth += 1,
            ')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            '|' if depth > 0 => {}
            '?' | '*' | '+' => {}
            '{' => {
                let Some(end) = chars[i..].iter().position(|&c| c == '}') else {
                    return false;
                };
                // Only `{m}`, `{m,}` and `{m,n}`: anything else is literal
                // braces in an ECMAScript pattern, and braces need encoding.
                let bounds: String = chars[i + 1..i + end].iter().collect();
                let (min, max) = bounds.split_once(',').unwrap_or((&bounds, "0"));
                let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                if min.is_empty() || !digits(min) || !digits(max) {
                    return false;
                }
                i += end;
            }
            '[' => {
                let Some(end) = chars[i..].iter().position(|&c| c == ']') else {
                    return false;
                };
                let class = &chars[i + 1..i + end];
                if class.is_empty() || class[0] == '^' {
                    return false;
                }
                let mut k = 0;
                while k < class.len() {
                    let c = class[k];
                    if k + 2 < class.len() && class[k + 1] == '-' {
                        let (a, b) = (c, class[k + 2]);
                        let same_kind = (a.is_ascii_digit() && b.is_ascii_digit())
                            || (a.is_ascii_lowercase() && b.is_ascii_lowercase())
                            || (a.is_ascii_uppercase() && b.is_ascii_uppercase());
                        if !same_kind || a > b {
                            return false;
                        }
                        k += 3;
                    } else if unreserved(c) {
                        // Inside a class `.` is a literal dot.
                        k += 1;
                    } else {
                        return false;
                    }
                }
                i += end;
            }
            c if unreserved(c) && c != '.' => {}
            _ => return false,
        }
        i += 1;
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::pattern_is_path_safe;

    #[test]
    fn accepts_only_anchored_unreserved_patterns() {
        for safe in [
            "^[A-Za-z0-9_-]{1,64}$",
            "^(MA|SA)[A-Z0-9]{18}$",
            "^[a.~]+$",
            "^abc-def$",
            "^(a|b)?x*$",
        ] {
            assert!(pattern_is_path_safe(safe), "{safe}");
        }
        for unsafe_ in [
            crate::spec::ADDRESS.pattern,
            "[A-Z]+",
            "^[A-Z]+",
            "[A-Z]+$",
            "^a|b$",
            "^[^/]+$",
            "^.+$",
            "^\\d+$",
            "^[a-Z]$",
            "^[z-a]$",
            "^[%]$",
            "^[a/]$",
            "^(a$",
            "^a)$",
            "^a{1,x}$",
            "^a{,}$",
            "^a{,3}$",
            "^a{}$",
            "^[]$",
            "^[a-$",
            "^a b$",
            "^é$",
            "",
        ] {
            assert!(!pattern_is_path_safe(unsafe_), "{unsafe_}");
        }
    }

    /// Whatever a safe pattern matches (per regress) is unreserved: every
    /// one-character mutation of a matching sample, over all of printable
    /// ASCII and some non-ASCII, either stops matching or stays unreserved.
    #[test]
    fn safe_patterns_match_only_unreserved_strings() {
        let cases = [
            (
                "^[A-Za-z0-9_-]{1,64}$",
                "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20",
            ),
            ("^(MA|SA)[A-Z0-9]{18}$", "MAXXXXXXXXXXXXXXXXXX"),
            ("^[a.~-]+$", "a.~-a"),
            ("^(x|[0-9])*$", "x0x9"),
        ];
        let alphabet: Vec<char> = (0x20u8..0x7f)
            .map(char::from)
            .chain(['é', '\n', '\t', '\u{7f}'])
            .collect();
        for (pattern, sample) in cases {
            assert!(pattern_is_path_safe(pattern), "{pattern}");
            let re = regress::Regex::new(pattern).unwrap();
            assert!(re.find(sample).is_some(), "{pattern} rejects its sample");
            let mut still_matching = 0;
            for at in 0..sample.len() {
                for &c in &alphabet {
                    let mut mutated: Vec<char> = sample.chars().collect();
                    mutated[at] = c;
                    let mutated: String = mutated.into_iter().collect();
                    if re.find(&mutated).is_some() {
                        still_matching += 1;
                        assert!(
                            mutated
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)),
                            "{pattern} matched {mutated:?}"
                        );
                    }
                }
            }
            assert!(
                still_matching > sample.len(),
                "{pattern}: the check is vacuous"
            );
        }
    }
}
