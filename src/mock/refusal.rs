//! How the mock refuses what Plivo refuses, driven by the spec: path values
//! checked into their generated types, required body fields, addresses and
//! enum values, read by the generated `Call::decode` through [`ByName`].

use std::borrow::Cow;

use percent_encoding::percent_decode_str;
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    by_name::ByName,
    spec::{Field, Location, Operation, TextType},
};

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

/// The mock: a refusal is Plivo's answer. A path value that does not parse
/// is a 404, as Plivo answers an unknown id; a query or body value, a 400.
impl ByName for Refusal {
    /// Percent-decoded (in the query, `+` is a space first), except ids and
    /// addresses, which go in raw, as every official SDK sends them: an
    /// encoded one (`%2B1415…`) is not what Plivo expects.
    fn text<'a>(field: &Field, raw: &'a str) -> Cow<'a, str> {
        if field.text_type().is_some() {
            return Cow::Borrowed(raw);
        }
        let spaced = if field.location == Location::Path {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(raw.replace('+', " "))
        };
        Cow::Owned(percent_decode_str(&spaced).decode_utf8_lossy().into_owned())
    }

    fn missing(op: &'static Operation, field: &'static Field) -> Self {
        if field.location == Location::Path {
            Refusal::no_route(op.path)
        } else {
            Refusal::mandatory(field.name)
        }
    }

    fn invalid(_: &Operation, field: &'static Field, _: &str, _: String, _: bool) -> Self {
        let status = if field.location == Location::Path {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        Refusal::invalid(status, field.name)
    }

    fn no_body(_: &'static Operation) -> Self {
        Refusal::bad("Request body is required.")
    }

    /// As Plivo words it: `<field> is a mandatory param.`, `Invalid value
    /// provided for <field>.`
    fn check_body(op: &'static Operation, body: &Value) -> Result<(), Self> {
        let Value::Object(map) = body else {
            return Err(Refusal::bad("Request body must be a JSON object."));
        };
        for field in op.body.as_ref().map_or(&[][..], |b| b.fields) {
            match map.get(field.name) {
                None if field.required => return Err(Refusal::mandatory(field.name)),
                Some(value) if !acceptable(field, value) => {
                    return Err(Refusal::invalid(StatusCode::BAD_REQUEST, field.name));
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn bad_body(_: &'static Operation, _: &Value, e: serde_json::Error) -> Self {
        Refusal::bad(format!("Invalid request: {e}"))
    }
}

/// A field's value against the spec: addresses by the address rule, enums
/// by their values.
fn acceptable(field: &Field, value: &Value) -> bool {
    // Whether the field may be `null` is the typed decode's to say.
    if value.is_null() {
        return true;
    }
    if field.text_type() == Some(TextType::Address) {
        return value.as_str().is_some_and(crate::Address::is_valid);
    }
    if !field.values.is_empty() {
        return value.as_str().is_some_and(|v| field.values.contains(&v));
    }
    true
}
