//! How the mock refuses what Plivo refuses, driven by the spec: path values
//! checked into their generated types, required body fields, addresses and
//! enum values. The generated `Call::decode` calls these.

use std::str::FromStr;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::spec::{Field, HandWritten, Operation};

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

    fn invalid(name: &str) -> Self {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("Invalid value provided for {name}."),
        )
    }
}

/// A required value, as sent, and parsed into `T`.
pub(crate) fn value<T: FromStr>(
    op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<(String, T), Refusal> {
    match optional::<T>(op, params, name)? {
        (Some(raw), Some(value)) => Ok((raw, value)),
        _ if is_path(op, name) => Err(Refusal::no_route(op.path)),
        _ => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("{name} is a mandatory param."),
        )),
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
    let Some((_, raw)) = params.iter().find(|(n, _)| *n == name) else {
        return Ok((None, None));
    };
    let value = parse::<T>(op, name, raw)?;
    Ok((Some(raw.to_string()), Some(value)))
}

/// Every value of an array parameter, as sent, and parsed.
#[allow(dead_code, reason = "called by generated code for array parameters")]
pub(crate) fn many<T: FromStr>(
    op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<(Vec<String>, Vec<T>), Refusal> {
    let mut raws = Vec::new();
    let mut values = Vec::new();
    for (_, raw) in params.iter().filter(|(n, _)| *n == name) {
        values.push(parse::<T>(op, name, raw)?);
        raws.push(raw.to_string());
    }
    Ok((raws, values))
}

fn is_path(op: &Operation, name: &str) -> bool {
    op.params
        .iter()
        .any(|p| p.name == name && p.location == crate::spec::Location::Path)
}

fn parse<T: FromStr>(op: &Operation, name: &str, raw: &str) -> Result<T, Refusal> {
    let path = is_path(op, name);
    // Ids and addresses go in raw, as every official SDK sends them: an
    // encoded one (`%2B1415…`) is not what Plivo expects.
    let hand_written = op
        .params
        .iter()
        .any(|p| p.name == name && p.hand_written().is_some());
    let text = if hand_written {
        std::borrow::Cow::Borrowed(raw)
    } else if path {
        percent_encoding::percent_decode_str(raw).decode_utf8_lossy()
    } else {
        let spaced = raw.replace('+', " ");
        std::borrow::Cow::Owned(
            percent_encoding::percent_decode_str(&spaced)
                .decode_utf8_lossy()
                .into_owned(),
        )
    };
    text.parse::<T>().map_err(|_| {
        let status = if path {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        Refusal::new(status, format!("Invalid value provided for {name}."))
    })
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
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "Request body is required.",
            ));
        }
        None => return Ok(None),
    };
    let Value::Object(map) = &json else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON object.",
        ));
    };
    for field in spec.map_or(&[][..], |b| b.fields) {
        match map.get(field.name) {
            None if field.required => {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    format!("{} is a mandatory param.", field.name),
                ));
            }
            Some(value) if !acceptable(field, value) => return Err(Refusal::invalid(field.name)),
            _ => {}
        }
    }
    serde_json::from_value(json)
        .map(Some)
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, format!("Invalid request: {e}")))
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
