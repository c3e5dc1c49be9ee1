//! Reading the spec's YAML values: keys, texts, numbers, `$ref`s, examples.

use serde_norway::Value;

pub(super) fn key(name: &str) -> Value {
    Value::String(name.to_string())
}

pub(super) fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_mapping()?.get(k)
}

pub(super) fn text(v: &Value, k: &str) -> String {
    get(v, k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

pub(super) fn number(v: &Value, k: &str) -> Option<f64> {
    get(v, k).and_then(Value::as_f64)
}

pub(super) fn count(v: &Value, k: &str) -> Option<u64> {
    get(v, k).and_then(Value::as_u64)
}

/// A scalar as the text the spec means (`agent`, `10`, `true`).
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => serde_json::to_string(other).ok(),
    }
}

/// A value's `example` and each of its `examples` (a parameter's map of
/// `{value}`, or a schema's list), as scalar texts.
pub(super) fn examples(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = get(v, "example").and_then(scalar).into_iter().collect();
    match get(v, "examples") {
        Some(Value::Mapping(m)) => {
            out.extend(m.values().filter_map(|e| get(e, "value").and_then(scalar)))
        }
        Some(Value::Sequence(s)) => out.extend(s.iter().filter_map(scalar)),
        _ => {}
    }
    out
}

pub(super) fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// `#/components/<kind>/<name>` -> `name`.
pub(super) fn ref_name<'a>(v: &'a Value, kind: &str) -> Option<Result<&'a str, String>> {
    let reference = get(v, "$ref")?.as_str()?;
    let prefix = format!("#/components/{kind}/");
    Some(
        reference
            .strip_prefix(&prefix)
            .ok_or_else(|| format!("$ref {reference:?}: only local `{prefix}...` references are supported (keep the spec one self-contained file)")),
    )
}

pub(super) fn text_at(doc: &Value, k: &str) -> String {
    match get(doc, k) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => scalar(other).unwrap_or_default(),
        None => String::new(),
    }
}

pub(super) fn json_value(v: &serde_json::Value) -> String {
    v.to_string()
}

pub(super) fn media_example(media: &Value) -> Option<String> {
    if let Some(e) = get(media, "example") {
        return Some(json(e));
    }
    get(media, "examples")
        .and_then(Value::as_mapping)
        .and_then(|m| m.values().next())
        .and_then(|e| get(e, "value"))
        .map(json)
        .or_else(|| {
            get(media, "schema")
                .and_then(|s| get(s, "example"))
                .map(json)
        })
}
