//! How the mock refuses what Plivo refuses, driven by the spec: path values
//! checked into their generated types, required body fields, addresses and
//! enum values. The generated `Call::decode` calls these.

use std::str::FromStr;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::spec::{Field, Operation};

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

/// A required path value, as sent, after checking it into `T`.
pub(crate) fn value<T: FromStr>(
    op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<String, Refusal> {
    optional::<T>(op, params, name)?.ok_or_else(|| Refusal::no_route(op.path))
}

/// An optional value, as sent, after checking it into `T`. A path value
/// that does not parse is a 404, as Plivo answers an unknown id.
pub(crate) fn optional<T: FromStr>(
    _op: &Operation,
    params: &[(&str, &str)],
    name: &str,
) -> Result<Option<String>, Refusal> {
    let Some((_, raw)) = params.iter().find(|(n, _)| *n == name) else {
        return Ok(None);
    };
    match raw.parse::<T>() {
        Ok(_) => Ok(Some(raw.to_string())),
        Err(_) => Err(Refusal::new(
            StatusCode::NOT_FOUND,
            format!("Invalid value provided for {name}."),
        )),
    }
}

/// The body decoded into its generated type, refused as Plivo would:
/// `<field> is a mandatory param.`, `Invalid value provided for <field>.`
pub(crate) fn body<T: DeserializeOwned>(op: &Operation, body: Option<Value>) -> Result<T, Refusal> {
    let spec = op.body.as_ref();
    let json = match body {
        Some(json) => json,
        None if spec.is_some_and(|b| b.required) => {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "Request body is required.",
            ));
        }
        None => Value::Object(Default::default()),
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
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, format!("Invalid request: {e}")))
}

/// A field's value against the spec: addresses by the address rule, enums
/// by their values.
fn acceptable(field: &Field, value: &Value) -> bool {
    if field.schema == "Address" {
        return value.as_str().is_some_and(crate::Address::is_valid);
    }
    if !field.values.is_empty() {
        return value.as_str().is_some_and(|v| field.values.contains(&v));
    }
    true
}
