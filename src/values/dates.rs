//! [`DateTime`] and [`Date`]: what `format: date-time` and `format: date`
//! in the spec become. The text is kept exactly as sent or received (a
//! round trip never rewrites it) and its shape is checked: RFC 3339
//! `2020-06-03T10:48:43Z` / `2020-06-03T10:48:43.5+05:30`, also with the
//! space in place of `T` that RFC 3339 (section 5.6, note) allows and that
//! Plivo's Voice API writes (`2020-06-03 10:48:43+00:00`), and `2020-06-03`. Parse it with the time crate of your choice
//! (`as_str()`); the crate takes none (CONTRIBUTING.md, "Dependencies").

use std::fmt;

macro_rules! format_type {
    ($ty:ident, $format:literal, $check:path) => {
        #[doc = concat!("A ", $format, " (`format: ", $format, "`), kept as its text.")]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(String);

        text_type!(
            $ty,
            InvalidFormat,
            stringify!($ty),
            |v: &String| $check(v.as_bytes()),
            std::convert::identity,
            |value| InvalidFormat {
                value,
                expected: concat!("an RFC 3339 ", $format, " such as ", $format),
            },
            schemars::json_schema!({ "type": "string", "format": $format })
        );
    };
}

format_type!(DateTime, "date-time", is_date_time);
format_type!(Date, "date", is_date);

/// Why a text is not a [`DateTime`] or [`Date`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidFormat {
    value: String,
    expected: &'static str,
}

impl fmt::Display for InvalidFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not {}", self.value, self.expected)
    }
}

impl std::error::Error for InvalidFormat {}

fn digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

fn two(b: &[u8], max: u8) -> bool {
    b.len() == 2 && digits(b) && (b[0] - b'0') * 10 + (b[1] - b'0') <= max
}

/// `YYYY-MM-DD`, month 01-12, day 01-31.
fn is_date(b: &[u8]) -> bool {
    b.len() == 10
        && digits(&b[..4])
        && b[4] == b'-'
        && two(&b[5..7], 12)
        && &b[5..7] != b"00"
        && b[7] == b'-'
        && two(&b[8..10], 31)
        && &b[8..10] != b"00"
}

/// `date T HH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`, `T` in either case.
fn is_date_time(b: &[u8]) -> bool {
    if b.len() < 20 || !is_date(&b[..10]) || !matches!(b[10], b'T' | b't' | b' ') {
        return false;
    }
    let t = &b[11..];
    if !(two(&t[..2], 23) && t[2] == b':' && two(&t[3..5], 59) && t[5] == b':' && two(&t[6..8], 60))
    {
        return false;
    }
    let mut rest = &t[8..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h @ ..] if h.len() == 5 => {
            two(&h[..2], 23) && h[2] == b':' && two(&h[3..], 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_checked_and_the_text_is_kept() {
        for ok in [
            "2020-06-03T10:48:43Z",
            "2020-06-03t10:48:43.123+05:30",
            "1999-12-31T23:59:60-00:00",
            // Plivo's Voice API: RFC 3339's space in place of `T`.
            "2020-06-03 10:48:43+00:00",
        ] {
            let d: DateTime = ok.parse().unwrap();
            assert_eq!(d.as_str(), ok);
        }
        for bad in [
            "2020-06-03  10:48:43+00:00",
            "2020-06-03_10:48:43+00:00",
            "2020-13-03T10:48:43Z",
            "2020-06-03T10:48:43",
            "2020-06-03T10:48:43.Z",
            "",
        ] {
            assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        }
        assert!("2020-06-03".parse::<Date>().is_ok());
        for bad in ["2020-6-3", "2020-00-10", "2020-06-32", "20200603"] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        let json: DateTime = serde_json::from_str(r#""2020-06-03T10:48:43Z""#).unwrap();
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            r#""2020-06-03T10:48:43Z""#
        );
    }
}
