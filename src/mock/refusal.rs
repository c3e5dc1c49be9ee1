//! How the mock refuses what Plivo refuses, driven by the spec: path values
//! checked into their generated types, required body fields, addresses and
//! enum values. The generated `Call::decode` calls these.

use std::{borrow::Cow, str::FromStr};

use percent_encoding::percent_decode_str;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::spec::{Field, HandWritten, Location, Operation};

/// A refused request: the status and Plivo's `error` text.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) reason: String,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, reason: impl Into<String>) -> Self {
        Refusal {
            status,
            reason: reason.into(),
        }
    }

    pub(crate) fn no_route(what: &str) -> Self {
        Refusal::new(StatusCode::NOT_FOUND, format!("no route for {what}"))
    }

    /// A 400.
    pub(super) fn bad(reason: impl Into<String>) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, reason)
    }

    fn mandatory(name: &str) -> Self {
        Refusal::bad(format!("{name} is a mandatory param."))
    }

    pub(super) fn invalid(status: StatusCode, name: &str) -> Self {
        Refusal::new(status, format!("Invalid value provided for {name}."))
    }
}

/// Whether `op` has a parameter `name` for which `test` holds.
pub(super) fn param_is(op: &Operation, name: &str, test: impl Fn(&Field) -> bool) -> bool {
    op.params.iter().any(|p| p.name == name && test(p))
}

/// A required value, as sent, and parsed into `T`.
pub(crate) fn value<T: FromStr>(
    op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<(String, T), Refusal> {
    match optional::<T>(op, params, name)? {
        (Some(raw), Some(value)) => Ok((raw, value)),
        _ if param_is(op, name, |p| p.location == Location::Path) => {
            Err(Refusal::no_route(op.path))
        }
        _ => Err(Refusal::mandatory(name)),
    }
}

/// An optional value, as sent, and parsed into `T` (after percent-decoding;
/// in the query, `+` is a space). A path value that does not parse is a
/// 404, as Plivo answers an unknown id; a query value, a 400.
pub(crate) fn optional<T: FromStr>(
    op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<(Option<String>, Option<T>), Refusal> {
    match params.iter().find(|(n, _)| *n == name) {
        Some((_, raw)) => Ok((Some(raw.to_string()), Some(parse(op, name, raw)?))),
        None => Ok((None, None)),
    }
}

/// Every value of an array parameter, as sent, and parsed.
#[allow(dead_code, reason = "called by generated code for array parameters")]
pub(crate) fn many<T: FromStr>(
    op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<(Vec<String>, Vec<T>), Refusal> {
    params
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, raw)| Ok((raw.to_string(), parse(op, name, raw)?)))
        .collect()
}

fn parse<T: FromStr>(op: &Operation, name: &str, raw: &str) -> Result<T, Refusal> {
    let path = param_is(op, name, |p| p.location == Location::Path);
    // In the query, `+` is a space.
    let spaced = if path {
        raw.into()
    } else {
        raw.replace('+', " ")
    };
    // Ids and addresses go in raw, as every official SDK sends them: an
    // encoded one (`%2B1415…`) is not what Plivo expects.
    let text = if param_is(op, name, |p| p.hand_written().is_some()) {
        Cow::Borrowed(raw)
    } else {
        percent_decode_str(&spaced).decode_utf8_lossy()
    };
    let status = if path {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    text.parse().map_err(|_| Refusal::invalid(status, name))
}

/// The body decoded into its generated type, refused as Plivo would:
/// `<field> is a mandatory param.`, `Invalid value provided for <field>.`
pub(crate) fn body<T: DeserializeOwned>(
    op: &Operation,
    body: Option<Value>,
) -> Result<Option<T>, Refusal> {
    let spec = op.body.as_ref();
    let json = match body {
        Some(json) => json,
        None if spec.is_some_and(|b| b.required) => {
            return Err(Refusal::bad("Request body is required."));
        }
        None => return Ok(None),
    };
    let Value::Object(map) = &json else {
        return Err(Refusal::bad("Request body must be a JSON object."));
    };
    for field in spec.map_or(&[][..], |b| b.fields) {
        match map.get(field.name) {
            None if field.required => {
                return Err(Refusal::bad(format!(
                    "{} is a mandatory param.",
                    field.name
                )));
            }
            Some(value) if !acceptable(field, value) => {
                return Err(Refusal::invalid(StatusCode::BAD_REQUEST, field.name));
            }
            _ => {}
        }
    }
    serde_json::from_value(json)
        .map(Some)
        .map_err(|e| Refusal::bad(format!("Invalid request: {e}")))
}

/// A field's value against the spec: addresses by the address rule, enums
/// by their values.
fn acceptable(field: &Field, value: &Value) -> bool {
    // Whether the field may be `null` is the typed decode's to say.
    if value.is_null() {
        return true;
    }
    if field.hand_written() == Some(HandWritten::Address) {
        return value.as_str().is_some_and(crate::Address::is_valid);
    }
    if !field.values.is_empty() {
        return value.as_str().is_some_and(|v| field.values.contains(&v));
    }
    true
}
