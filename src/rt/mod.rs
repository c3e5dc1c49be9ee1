//! The contract generated code is written against: every crate path the
//! files in `src/generated/` use is `crate::rt::…`, and this module is all of
//! it. The items live where they belong (values, pipeline, operations); this
//! is the one door, so changing the generator means reading one file.
//!
//! Here too: reading a by-name request ([`Operations::prepare`]'s parameters
//! and body) into the types an operation takes, each value checked.

#![allow(
    dead_code,
    unused_imports,
    reason = "the contract covers every construct the generator takes; a spec uses part of it"
)]

mod query;
mod schema;

use std::{fmt, str::FromStr};

use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(feature = "pattern")]
pub(crate) use crate::values::rules::pattern;
pub(crate) use crate::{
    error::Error,
    operations::{Operations, Prepared, send_decoding_as},
    pipeline::{Servers, run, unbuildable},
    spec::{OPERATIONS, Operation, SERVERS},
    values::{
        address::Address,
        dates::{Date, DateTime},
        ids::{AuthId, Id},
        rules::{
            Bounds, Check, Format, InvalidValue, Violation, format, items, length, number, unknown,
        },
    },
};
pub(crate) use query::{Query, QueryText, push_path, query, query_each, query_each_opt, query_opt};
pub(crate) use schema::{SchemaOf, from_spec};

/// What the mock's generated `Call::decode` calls.
#[cfg(feature = "mock-server")]
pub(crate) mod mock {
    pub(crate) use crate::mock::{Refusal, body, many, optional, value};

    /// A value that breaks a rule of the spec, refused in Plivo's words.
    pub(crate) fn rule(v: super::Violation) -> Refusal {
        Refusal::new(reqwest::StatusCode::BAD_REQUEST, v.message())
    }
}

/// A value that breaks a rule of the spec, refused before any I/O.
pub(crate) fn broken_rule(v: Violation, operation: &str) -> Error {
    let reason = v.reason(operation);
    Error::InvalidInput {
        field: v.field,
        value: v.value,
        reason,
    }
}

use crate::{
    spec::HandWritten,
    values::{
        address::address_reason,
        ids::{id_reason, mask},
    },
};

/// Refuses names `op` does not take and a body it does not take.
pub(crate) fn check_inputs(
    op: &Operation,
    params: &[(&str, &str)],
    body: &Option<Value>,
) -> Result<(), Error> {
    for (name, _) in params {
        if !op.params.iter().any(|p| p.name == *name) {
            let known: Vec<&str> = op.params.iter().map(|p| p.name).collect();
            return Err(Error::invalid(
                "parameter",
                name,
                format!("is not a parameter of {}; it takes {known:?}", op.id),
            ));
        }
    }
    if op.body.is_none() && body.is_some() {
        return Err(Error::invalid(
            "body",
            "",
            format!("{} takes no request body", op.id),
        ));
    }
    Ok(())
}

/// The value of required parameter `name`, checked into its type.
pub(crate) fn value<T: FromStr>(
    op: &'static Operation,
    params: &[(&str, &str)],
    name: &'static str,
) -> Result<T, Error>
where
    T::Err: fmt::Display,
{
    optional(op, params, name)?
        .ok_or_else(|| Error::invalid(name, "", format!("is required by {}", op.id)))
}

/// The value of optional parameter `name`, checked into its type.
pub(crate) fn optional<T: FromStr>(
    op: &'static Operation,
    params: &[(&str, &str)],
    name: &'static str,
) -> Result<Option<T>, Error>
where
    T::Err: fmt::Display,
{
    let Some((_, raw)) = params.iter().find(|(n, _)| *n == name) else {
        return Ok(None);
    };
    raw.parse().map(Some).map_err(|e: T::Err| {
        let schema = op
            .params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.hand_written());
        let (value, reason) = match schema {
            Some(HandWritten::Id) => (raw.to_string(), id_reason(raw)),
            Some(HandWritten::Address) => (raw.to_string(), address_reason(raw)),
            Some(HandWritten::AuthId) => (mask(raw), e.to_string()),
            _ => (raw.to_string(), e.to_string()),
        };
        Error::InvalidInput {
            field: name,
            value,
            reason,
        }
    })
}

/// Every value of array parameter `name` (its name repeated), each checked
/// into its type.
#[allow(dead_code, reason = "called by generated code for array parameters")]
pub(crate) fn many<T: FromStr>(
    op: &'static Operation,
    params: &[(&str, &str)],
    name: &'static str,
) -> Result<Vec<T>, Error>
where
    T::Err: fmt::Display,
{
    params
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, raw)| {
            raw.parse().map_err(|e: T::Err| Error::InvalidInput {
                field: name,
                value: raw.to_string(),
                reason: format!("{e} (a value of {})", op.id),
            })
        })
        .collect()
}

/// The JSON body, checked into its generated type; `None` when the body is
/// optional and none was given (nothing is sent then).
pub(crate) fn json_body<T: DeserializeOwned>(
    op: &'static Operation,
    body: Option<Value>,
) -> Result<Option<T>, Error> {
    let spec = op.body.as_ref();
    let body = match body {
        Some(body) => body,
        None if spec.is_some_and(|b| b.required) => {
            let schema = spec.map_or("", |b| b.schema);
            return Err(Error::invalid(
                "body",
                "",
                format!("is required by {} (a JSON {schema})", op.id),
            ));
        }
        None => return Ok(None),
    };
    serde_json::from_value(body.clone()).map(Some).map_err(|e| {
        Error::invalid(
            "body",
            &body.to_string(),
            format!("does not fit {}: {e}", op.id),
        )
    })
}

pub(crate) fn unknown_operation(id: &str) -> Error {
    Error::invalid(
        "operation_id",
        id,
        "is not an operation of spec/phlo.yaml (see plivo_phlo::spec::OPERATIONS)",
    )
}
