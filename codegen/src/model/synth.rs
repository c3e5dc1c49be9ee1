//! A made-up answer for an operation whose spec gives no example: its
//! required fields, each with a value its rules accept (the field's own
//! example first), so MockPhlo's answer fits the spec. A required string
//! with a `pattern` and no example is refused by name: no value can be
//! made up for it.

use serde_json::Value as J;

use super::{Builder, DATE, Named, Rules, Ty};

impl Builder {
    /// The made-up answer of type `ty`.
    pub(super) fn synth(&self, ty: &Ty, at: &str) -> Result<J, String> {
        self.value(ty, &[], at, 0)
    }

    fn value(&self, ty: &Ty, examples: &[String], at: &str, depth: usize) -> Result<J, String> {
        if depth > 8 {
            return Ok(J::Null);
        }
        if let Some(example) = examples.first() {
            return Ok(example_value(ty.plain(), example));
        }
        Ok(match ty {
            Ty::Named(name) => match self.schemas.get(name) {
                Some(Named::Object { props, .. }) => {
                    let mut out = serde_json::Map::new();
                    for p in props.iter().filter(|p| p.required) {
                        let at = format!("{at}.{}", p.wire);
                        out.insert(
                            p.wire.clone(),
                            self.value(&p.ty, &p.examples, &at, depth + 1)?,
                        );
                    }
                    J::Object(out)
                }
                Some(Named::Enum(e)) => J::String(e.values.first().cloned().unwrap_or_default()),
                Some(Named::Alias(Ty::Any)) if self.combinator(name) => {
                    return Err(format!(
                        "{at}: a required oneOf/anyOf in an answer without an example; give the answer (or the field) an `example`, which MockPhlo answers with"
                    ));
                }
                Some(Named::Alias(t)) => self.value(t, &[], at, depth + 1)?,
                Some(Named::Format) if name == DATE => J::String("2020-06-03".into()),
                Some(Named::Format) => J::String("2020-06-03T10:48:43Z".into()),
                Some(Named::Hand) => J::String(
                    match name.as_str() {
                        "Address" => "+14155550100",
                        "AuthId" => "MAXXXXXXXXXXXXXXXXXX",
                        _ => "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20",
                    }
                    .into(),
                ),
                None => return Err(format!("{at}: internal: schema {name} is not in the model")),
            },
            Ty::String(r) => J::String(text(r, at)?),
            Ty::Uuid => J::String("00000000-0000-4000-8000-000000000000".into()),
            Ty::Integer(_, r) => J::from(integer(r)),
            Ty::Number(r) => J::from(number(r)),
            Ty::Boolean => J::Bool(false),
            Ty::Array(item, r) => {
                let n = r.min_items.unwrap_or(0) as usize;
                if n == 0 {
                    J::Array(Vec::new())
                } else {
                    let one = self.value(item, &[], &format!("{at}[]"), depth + 1)?;
                    J::Array(vec![one; n])
                }
            }
            Ty::Map(_) | Ty::Any => J::Object(Default::default()),
            Ty::Nullable(t) => self.value(t, &[], at, depth + 1)?,
        })
    }
}

impl Builder {
    /// Whether the named schema is a `oneOf` / `anyOf` (typify's untagged
    /// enum: no value fits every branch).
    fn combinator(&self, name: &str) -> bool {
        let schema = self
            .doc
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name));
        ["oneOf", "anyOf"]
            .iter()
            .any(|k| schema.and_then(|s| s.get(*k)).is_some())
    }
}

/// A spec example (a scalar's text) as the JSON value of its type.
fn example_value(ty: &Ty, text: &str) -> J {
    match ty {
        Ty::Integer(..) | Ty::Number(_) | Ty::Boolean | Ty::Array(..) | Ty::Map(_) | Ty::Any => {
            serde_json::from_str(text).unwrap_or_else(|_| J::String(text.into()))
        }
        _ => J::String(text.into()),
    }
}

fn text(r: &Rules, at: &str) -> Result<String, String> {
    if let Some(pattern) = &r.pattern {
        return Err(format!(
            "{at}: a required string with pattern {pattern:?} in an answer without an example; give the answer (or the field) an `example`, which MockPhlo answers with"
        ));
    }
    Ok(match r.format.as_deref() {
        Some("uri") => "https://example.com/".into(),
        Some("email") => "ops@example.com".into(),
        _ => {
            let n = r
                .min_length
                .unwrap_or(0)
                .min(r.max_length.unwrap_or(u64::MAX));
            "a".repeat(n as usize)
        }
    })
}

fn integer(r: &Rules) -> i64 {
    let low = r.minimum.map(|m| {
        let m = m.ceil() as i64;
        if r.exclusive_minimum { m + 1 } else { m }
    });
    let high = r.maximum.map(|m| {
        let m = m.floor() as i64;
        if r.exclusive_maximum { m - 1 } else { m }
    });
    let start = low.unwrap_or_else(|| high.map_or(0, |h| h.min(0)));
    match r.multiple_of.map(|k| k as i64).filter(|k| *k > 0) {
        Some(k) => start.div_euclid(k) * k + if start.rem_euclid(k) == 0 { 0 } else { k },
        None => start,
    }
}

fn number(r: &Rules) -> f64 {
    match (r.minimum, r.maximum) {
        (Some(lo), Some(hi)) => (lo + hi) / 2.0,
        (Some(lo), None) => lo + 1.0,
        (None, Some(hi)) => hi - 1.0,
        (None, None) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_numbers_fit_their_rules() {
        let r = |min, max, ex_min, ex_max, k| Rules {
            minimum: min,
            maximum: max,
            exclusive_minimum: ex_min,
            exclusive_maximum: ex_max,
            multiple_of: k,
            ..Rules::default()
        };
        assert_eq!(integer(&r(Some(3.0), None, true, false, Some(5.0))), 5);
        assert_eq!(integer(&r(None, Some(-4.0), false, false, None)), -4);
        assert_eq!(integer(&r(Some(-3.0), None, false, false, Some(2.0))), -2);
        assert_eq!(number(&r(Some(3.0), Some(4.0), true, true, None)), 3.5);
        let len = Rules {
            min_length: Some(2),
            max_length: Some(5),
            ..Rules::default()
        };
        assert_eq!(text(&len, "x").unwrap(), "aa");
        let pattern = Rules {
            pattern: Some("^a$".into()),
            ..Rules::default()
        };
        assert!(
            text(&pattern, "op answer.code")
                .unwrap_err()
                .starts_with("op answer.code: ")
        );
    }
}
