//! The spec's rules, checked before any I/O. The checks themselves are
//! generated from the spec model (one function per operation, one
//! [`Check`] impl per schema that has a rule); this file holds the pieces
//! they call, and [`Violation`], which becomes an
//! [`Error::InvalidInput`](crate::Error::InvalidInput) in the client
//! (`rt::broken_rule`) and Plivo's 400 in the mock.

#![allow(
    dead_code,
    reason = "called by generated code, and a spec need not have every kind of rule"
)]

/// A value that breaks a rule of the spec.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Violation {
    /// The wire name of the parameter or property.
    pub(crate) field: &'static str,
    /// The value, as text.
    pub(crate) value: String,
    /// The rule, as the spec states it (`maximum: 20`).
    pub(crate) rule: String,
    /// Where in the body it sits (`participants[2].name`), if it is there.
    pub(crate) at: Option<String>,
}

impl Violation {
    fn new(field: &'static str, value: impl ToString, rule: String) -> Self {
        Violation {
            field,
            value: value.to_string(),
            rule,
            at: None,
        }
    }

    /// Why the client refuses it, before any I/O: the rule, the operation
    /// and, for a field inside the body, its place (`template.language`).
    pub(crate) fn reason(&self, operation: &str) -> String {
        let place = self
            .at
            .as_ref()
            .map(|at| format!(" (at {at}.{})", self.field))
            .unwrap_or_default();
        format!(
            "breaks the spec's rule `{}` of {operation}{place}",
            self.rule
        )
    }

    /// Plivo's wording of a refused value, for the mock.
    #[allow(dead_code, reason = "used by the mock")]
    pub(crate) fn message(&self) -> String {
        format!(
            "Invalid value provided for {0}. {0} must follow `{1}`.",
            self.field, self.rule
        )
    }

    /// Notes the place in the body, innermost first.
    pub(crate) fn inside(mut self, segment: &str) -> Self {
        self.at = Some(match self.at.take() {
            None => segment.to_string(),
            Some(rest) if rest.starts_with('[') => format!("{segment}{rest}"),
            Some(rest) => format!("{segment}.{rest}"),
        });
        self
    }
}

/// A schema with rules: checked before a request carries it.
pub(crate) trait Check {
    fn check(&self) -> Result<(), Violation>;
}

impl<T: Check> Check for Option<T> {
    fn check(&self) -> Result<(), Violation> {
        self.as_ref().map_or(Ok(()), Check::check)
    }
}

impl<T: Check> Check for Vec<T> {
    fn check(&self) -> Result<(), Violation> {
        for (i, item) in self.iter().enumerate() {
            item.check().map_err(|v| v.inside(&format!("[{i}]")))?;
        }
        Ok(())
    }
}

impl<T: Check> Check for Box<T> {
    fn check(&self) -> Result<(), Violation> {
        (**self).check()
    }
}

impl<K, T: Check> Check for std::collections::HashMap<K, T> {
    fn check(&self) -> Result<(), Violation> {
        self.values().try_for_each(Check::check)
    }
}

/// A number's limits, as the spec states them.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bounds {
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    pub(crate) exclusive_minimum: bool,
    pub(crate) exclusive_maximum: bool,
    pub(crate) multiple_of: Option<f64>,
    pub(crate) values: &'static [f64],
}

impl Bounds {
    /// No rule at all: what a generated check's unstated rules take.
    pub(crate) const NONE: Bounds = Bounds {
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        multiple_of: None,
        values: &[],
    };
}

/// Any number typify or the guarded layer uses.
pub(crate) trait Num: Copy {
    fn num(self) -> f64;
}

macro_rules! num {
    ($($t:ty),*) => {$(impl Num for $t { fn num(self) -> f64 { self as f64 } })*};
}
num!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, usize, isize);

macro_rules! nonzero {
    ($($t:ty),*) => {$(impl Num for $t { fn num(self) -> f64 { self.get() as f64 } })*};
}
nonzero!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI8,
    std::num::NonZeroI16,
    std::num::NonZeroI32,
    std::num::NonZeroI64
);

fn shown(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// `minimum`, `maximum` (exclusive too), `multipleOf` and a number `enum`.
pub(crate) fn number(field: &'static str, value: impl Num, b: Bounds) -> Result<(), Violation> {
    let n = value.num();
    let bad = |rule: String| Err(Violation::new(field, shown(n), rule));
    if let Some(min) = b.minimum {
        if b.exclusive_minimum && n <= min {
            return bad(format!("exclusiveMinimum: {}", shown(min)));
        }
        if n < min {
            return bad(format!("minimum: {}", shown(min)));
        }
    }
    if let Some(max) = b.maximum {
        if b.exclusive_maximum && n >= max {
            return bad(format!("exclusiveMaximum: {}", shown(max)));
        }
        if n > max {
            return bad(format!("maximum: {}", shown(max)));
        }
    }
    if let Some(step) = b.multiple_of.filter(|s| *s > 0.0) {
        let q = n / step;
        if (q - q.round()).abs() > 1e-9 {
            return bad(format!("multipleOf: {}", shown(step)));
        }
    }
    if !b.values.is_empty() && !b.values.contains(&n) {
        let list: Vec<String> = b.values.iter().map(|v| shown(*v)).collect();
        return bad(format!("enum: [{}]", list.join(", ")));
    }
    Ok(())
}

/// `minLength` and `maxLength`, counted in characters as JSON Schema does.
pub(crate) fn length(
    field: &'static str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), Violation> {
    let n = value.chars().count() as u64;
    if let Some(min) = min.filter(|m| n < *m) {
        return Err(Violation::new(field, value, format!("minLength: {min}")));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(Violation::new(field, value, format!("maxLength: {max}")));
    }
    Ok(())
}

/// `pattern` (ECMAScript, as the spec means it).
#[cfg(feature = "pattern")]
pub(crate) fn pattern(
    field: &'static str,
    value: &str,
    regex: &regress::Regex,
    source: &'static str,
) -> Result<(), Violation> {
    if regex.find(value).is_some() {
        Ok(())
    } else {
        Err(Violation::new(field, value, format!("pattern: {source}")))
    }
}

/// A string `format` the crate checks (uuid and the dates are types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// `uri`: an absolute URI (a scheme, then what the URL parser takes).
    Uri,
    /// `email`: `local@domain`, the local part of letters, digits and
    /// ``.!#$%&'*+/=?^_`{|}~-``, the domain of dot-separated labels of
    /// letters, digits and inner `-` (the grammar JSON Schema tools use).
    Email,
}

/// `format: uri` / `format: email`.
pub(crate) fn format(field: &'static str, value: &str, format: Format) -> Result<(), Violation> {
    let (fits, name) = match format {
        Format::Uri => (reqwest::Url::parse(value).is_ok(), "uri"),
        Format::Email => (is_email(value), "email"),
    };
    if fits {
        Ok(())
    } else {
        Err(Violation::new(field, value, format!("format: {name}")))
    }
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b));
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    local_ok && domain.split('.').all(label_ok)
}

/// `minItems` and `maxItems`.
pub(crate) fn items(
    field: &'static str,
    n: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), Violation> {
    let n = n as u64;
    if let Some(min) = min.filter(|m| n < *m) {
        return Err(Violation::new(
            field,
            format!("{n} items"),
            format!("minItems: {min}"),
        ));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(Violation::new(
            field,
            format!("{n} items"),
            format!("maxItems: {max}"),
        ));
    }
    Ok(())
}

/// A value a response enum took from an answer, sent back in a request:
/// requests hold only the values the spec lists.
pub(crate) fn unknown(field: &'static str, value: &str, values: &[&str]) -> Violation {
    Violation::new(field, value, format!("enum: {values:?}"))
}

/// A value that is not one of an enum's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue {
    schema: &'static str,
    value: String,
    values: &'static [&'static str],
}

impl InvalidValue {
    #[doc(hidden)]
    pub fn new(schema: &'static str, value: &str, values: &'static [&'static str]) -> Self {
        InvalidValue {
            schema,
            value: value.to_string(),
            values,
        }
    }

    /// The values the schema allows.
    pub fn allowed(&self) -> &'static [&'static str] {
        self.values
    }
}

impl std::fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a {} value; expected one of {:?}",
            self.value, self.schema, self.values
        )
    }
}

impl std::error::Error for InvalidValue {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lengths_and_items() {
        let b = Bounds {
            minimum: Some(1.0),
            maximum: Some(20.0),
            ..Bounds::default()
        };
        assert!(number("limit", 20u32, b).is_ok());
        let v = number("limit", 50u32, b).unwrap_err();
        assert_eq!(
            (v.field, v.value.as_str(), v.rule.as_str()),
            ("limit", "50", "maximum: 20")
        );
        assert_eq!(number("limit", 0i64, b).unwrap_err().rule, "minimum: 1");
        let ex = Bounds {
            minimum: Some(0.0),
            exclusive_minimum: true,
            multiple_of: Some(5.0),
            ..Bounds::default()
        };
        assert_eq!(
            number("n", 0.0f64, ex).unwrap_err().rule,
            "exclusiveMinimum: 0"
        );
        assert_eq!(number("n", 7i32, ex).unwrap_err().rule, "multipleOf: 5");
        assert!(number("n", 10i32, ex).is_ok());
        assert_eq!(
            length("s", "héllo", None, Some(4)).unwrap_err().rule,
            "maxLength: 4"
        );
        assert!(length("s", "héllo", Some(5), Some(5)).is_ok());
        assert_eq!(
            items("l", 0, Some(1), None).unwrap_err().rule,
            "minItems: 1"
        );
    }

    #[test]
    fn uri_and_email_formats() {
        assert!(format("url", "https://example.com/hook?x=1", Format::Uri).is_ok());
        assert!(format("url", "urn:isbn:0451450523", Format::Uri).is_ok());
        for bad in ["drill", "/relative/path", "", "http://"] {
            let v = format("url", bad, Format::Uri).unwrap_err();
            assert_eq!(
                (v.field, v.rule.as_str()),
                ("url", "format: uri"),
                "{bad:?}"
            );
        }
        assert!(format("to", "ops@example.com", Format::Email).is_ok());
        assert!(format("to", "a.b+c@mail-1.example.co", Format::Email).is_ok());
        for bad in [
            "ops",
            "@example.com",
            "ops@",
            "o ps@example.com",
            "ops@-x.com",
            "a@b@c",
        ] {
            let v = format("to", bad, Format::Email).unwrap_err();
            assert_eq!(v.rule, "format: email", "{bad:?}");
        }
    }

    /// A field inside the body is named by its place (found by grafting a
    /// Messaging API: it said `(at body.body)`).
    #[test]
    fn a_nested_refusal_names_its_place() {
        let top = length("language", "", Some(2), None).unwrap_err();
        assert_eq!(top.field, "language");
        assert_eq!(
            top.reason("send"),
            "breaks the spec's rule `minLength: 2` of send"
        );
        let nested = top.inside("template").inside("message");
        assert_eq!(nested.field, "language");
        let reason = nested.reason("send");
        assert!(
            reason.ends_with("(at message.template.language)"),
            "{reason}"
        );
    }
}
