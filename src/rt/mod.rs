//! The contract generated code is written against: every crate path the
//! files in `src/generated/` use is `crate::rt::…`, and this module is all of
//! it. The items live where they belong (values, pipeline, operations); this
//! is the one door, so changing the generator means reading one file.
//!
//! Here too: reading a by-name request ([`Operations::prepare`]'s parameters
//! and body, or the mock's) into the types an operation takes ([`ByName`]).

#![allow(
    dead_code,
    unused_imports,
    reason = "the contract covers every construct the generator takes; a spec uses part of it"
)]

mod query;
mod schema;

use serde_json::Value;

pub(crate) use crate::by_name::ByName;
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
pub(crate) use query::{
    Query, QueryText, push_path, push_query, query, query_each, query_each_opt, query_opt,
};
pub(crate) use schema::{SchemaOf, from_spec};

/// Where operation `id` is in this build's [`OPERATIONS`], at compile time
/// (`const { index_of(..) }`): which entries the table has depends on the
/// tags (features) the build has on.
pub(crate) const fn index_of(id: &str) -> usize {
    let mut at = 0;
    while at < OPERATIONS.len() {
        let name = OPERATIONS[at].id.as_bytes();
        let want = id.as_bytes();
        if name.len() == want.len() {
            let mut i = 0;
            while i < name.len() && name[i] == want[i] {
                i += 1;
            }
            if i == name.len() {
                return at;
            }
        }
        at += 1;
    }
    panic!("an operation's items are gated with its table entry, so it is in the table")
}

/// What the mock's generated `Call::decode` calls.
#[cfg(feature = "mock-server")]
pub(crate) mod mock {
    pub(crate) use crate::mock::Refusal;

    /// The value of parameter `name` as it came on the wire.
    pub(crate) fn sent(params: &[(&str, &str)], name: &str) -> Option<String> {
        params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }

    /// Every value of array parameter `name`, as they came on the wire.
    pub(crate) fn sent_all(params: &[(&str, &str)], name: &str) -> Vec<String> {
        params
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .collect()
    }

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

pub(crate) fn unknown_operation(id: &str) -> Error {
    Error::invalid(
        "operation_id",
        id,
        "is not an operation of spec/phlo.yaml (see plivo_phlo::spec::OPERATIONS)",
    )
}
