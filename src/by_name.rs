//! Reading a request given by name (parameter names and a JSON body), each
//! value checked into the type its operation takes: one reader for both
//! sides that read one, the client's [`Operations::prepare`] and the mock's
//! `Call::decode`, which differ only in how they refuse ([`ByName`]).
//!
//! [`Operations::prepare`]: crate::Operations::prepare

use std::{borrow::Cow, fmt, str::FromStr};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    error::Error,
    spec::{Field, Operation, TextType},
    values::{
        address::address_reason,
        ids::{id_reason, mask},
    },
};

/// A side that reads requests by name, and how it refuses; the reading
/// itself is the provided methods, the same for both sides.
pub(crate) trait ByName: Sized {
    /// The text a value given as `raw` is parsed from.
    fn text<'a>(field: &Field, raw: &'a str) -> Cow<'a, str>;
    /// A required parameter that is not there.
    fn missing(op: &'static Operation, field: &'static Field) -> Self;
    /// A value that does not parse into its type (`reason`: the type's
    /// words; `item`: one value of an array).
    fn invalid(
        op: &Operation,
        field: &'static Field,
        raw: &str,
        reason: String,
        item: bool,
    ) -> Self;
    /// No body, where the operation requires one.
    fn no_body(op: &'static Operation) -> Self;
    /// What is refused in a body before it is decoded (nothing, by default).
    fn check_body(_op: &'static Operation, _body: &Value) -> Result<(), Self> {
        Ok(())
    }
    /// A body that does not decode into its type.
    fn bad_body(op: &'static Operation, body: &Value, e: serde_json::Error) -> Self;

    /// Required parameter `name`, checked into its type.
    fn value<T: FromStr>(
        op: &'static Operation,
        params: &[(&str, &str)],
        name: &str,
    ) -> Result<T, Self>
    where
        T::Err: fmt::Display,
    {
        Self::optional(op, params, name)?.ok_or_else(|| Self::missing(op, field(op, name)))
    }

    /// The value of optional parameter `name`, checked into its type.
    fn optional<T: FromStr>(
        op: &'static Operation,
        params: &[(&str, &str)],
        name: &str,
    ) -> Result<Option<T>, Self>
    where
        T::Err: fmt::Display,
    {
        let Some((_, raw)) = params.iter().find(|(n, _)| *n == name) else {
            return Ok(None);
        };
        let field = field(op, name);
        Self::text(field, raw)
            .parse()
            .map(Some)
            .map_err(|e: T::Err| Self::invalid(op, field, raw, e.to_string(), false))
    }

    /// Every value of array parameter `name` (its name repeated), each
    /// checked into its type.
    #[allow(
        dead_code,
        reason = "generated code calls it for array parameters, which a spec need not have"
    )]
    fn many<T: FromStr>(
        op: &'static Operation,
        params: &[(&str, &str)],
        name: &str,
    ) -> Result<Vec<T>, Self>
    where
        T::Err: fmt::Display,
    {
        let field = field(op, name);
        params
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, raw)| {
                Self::text(field, raw)
                    .parse()
                    .map_err(|e: T::Err| Self::invalid(op, field, raw, e.to_string(), true))
            })
            .collect()
    }

    /// The JSON body, checked into its generated type; `None` when the body
    /// is optional and none was given.
    fn body<T: DeserializeOwned>(
        op: &'static Operation,
        body: Option<Value>,
    ) -> Result<Option<T>, Self> {
        let Some(body) = body else {
            return match &op.body {
                Some(b) if b.required => Err(Self::no_body(op)),
                _ => Ok(None),
            };
        };
        Self::check_body(op, &body)?;
        T::deserialize(&body)
            .map(Some)
            .map_err(|e| Self::bad_body(op, &body, e))
    }
}

/// The parameter `name` of `op` (generated code reads only its own; a name
/// it does not have reads as a plain field, never a panic).
fn field(op: &'static Operation, name: &str) -> &'static Field {
    let found = op.params.iter().find(|p| p.name == name);
    found.unwrap_or(&crate::spec::FIELD)
}

/// The client: a refusal is an [`Error::InvalidInput`], before any I/O.
impl ByName for Error {
    fn text<'a>(_: &Field, raw: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(raw)
    }

    fn missing(op: &'static Operation, field: &'static Field) -> Self {
        Error::invalid(field.name, "", format!("is required by {}", op.id))
    }

    fn invalid(
        op: &Operation,
        field: &'static Field,
        raw: &str,
        reason: String,
        item: bool,
    ) -> Self {
        let (value, reason) = match field.text_type() {
            _ if item => (raw.to_string(), format!("{reason} (a value of {})", op.id)),
            Some(TextType::Id) => (raw.to_string(), id_reason(raw)),
            Some(TextType::Address) => (raw.to_string(), address_reason(raw)),
            Some(TextType::AuthId) => (mask(raw), reason),
            _ => (raw.to_string(), reason),
        };
        Error::InvalidInput {
            field: field.name,
            value,
            reason,
        }
    }

    fn no_body(op: &'static Operation) -> Self {
        let schema = op.body.as_ref().map_or("", |b| b.schema);
        Error::invalid(
            "body",
            "",
            format!("is required by {} (a JSON {schema})", op.id),
        )
    }

    fn bad_body(op: &'static Operation, body: &Value, e: serde_json::Error) -> Self {
        Error::invalid(
            "body",
            &body.to_string(),
            format!("does not fit {}: {e}", op.id),
        )
    }
}
