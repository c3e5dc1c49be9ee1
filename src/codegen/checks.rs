//! Rules the spec must follow, checked before progenitor sees it: progenitor
//! enforces some by panicking without naming the operation, and the
//! guarded layer, the mock and the CLI rely on the others.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

pub fn check(spec: &OpenAPI) -> Result<(), String> {
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "openapi is {:?}; progenitor accepts only 3.0.x",
            spec.openapi
        ));
    }
    let mut seen = BTreeSet::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(format!(
                "path {path}: external path items ($ref) are not supported"
            ));
        };
        for (method, op) in item.iter() {
            let name = op.operation_id.as_deref().ok_or_else(|| {
                format!(
                    "{} {path}: operation has no operationId",
                    method.to_uppercase()
                )
            })?;
            if !is_snake_case(name) {
                return Err(format!(
                    "operationId {name:?} must be snake_case (a-z, 0-9, _): it names a Rust \
                     method and a CLI subcommand"
                ));
            }
            if !seen.insert(name.to_string()) {
                return Err(format!("operationId {name} is used twice"));
            }
            if op.tags.is_empty() {
                return Err(format!(
                    "operation {name}: give it a tag (the CLI groups subcommands by tag)"
                ));
            }
            if let Some(body) = &op.request_body {
                let body = resolve_body(spec, body)
                    .ok_or_else(|| format!("operation {name}: unresolved request body"))?;
                if body.content.keys().any(|k| k != "application/json") {
                    return Err(format!(
                        "operation {name}: request bodies must be application/json only"
                    ));
                }
            }
            check_responses(spec, name, op)?;
        }
    }
    Ok(())
}

fn check_responses(spec: &OpenAPI, name: &str, op: &openapiv3::Operation) -> Result<(), String> {
    if op.responses.default.is_some() {
        return Err(format!(
            "operation {name}: `default` responses are not supported; declare 4XX and 5XX"
        ));
    }
    let mut ok = BTreeSet::new();
    let mut err = BTreeSet::new();
    for (code, response) in &op.responses.responses {
        let response = resolve_response(spec, response)
            .ok_or_else(|| format!("operation {name}: unresolved response {code}"))?;
        if response.content.keys().any(|k| k != "application/json") {
            return Err(format!(
                "operation {name}: response {code} must be application/json or have no body"
            ));
        }
        let schema = response
            .content
            .get("application/json")
            .and_then(|m| m.schema.as_ref());
        let target = match schema {
            Some(ReferenceOr::Reference { reference }) => reference.clone(),
            Some(ReferenceOr::Item(_)) => "<inline schema>".into(),
            None => "<no body>".into(),
        };
        if let Some(schema) = schema {
            // Plivo may add values to anything it sends: a closed Rust enum
            // would turn a new value into a decode error.
            if let Some(path) = find_enum(spec, schema, &mut BTreeSet::new()) {
                return Err(format!(
                    "operation {name}: response {code} holds an enum ({path}); Plivo may add \
                     values later and a new one would fail to decode. Use `type: string` and \
                     list the known values in its description"
                ));
            }
        }
        let success = match code {
            StatusCode::Code(n) => (200..300).contains(n),
            StatusCode::Range(n) => *n == 2,
        };
        if success {
            ok.insert(target)
        } else {
            err.insert(target)
        };
    }
    if ok.len() > 1 {
        return Err(format!(
            "operation {name}: 2xx responses must share one schema, found {ok:?}"
        ));
    }
    if err.len() > 1 {
        return Err(format!(
            "operation {name}: error responses must share one schema, found {err:?}"
        ));
    }
    Ok(())
}

/// The first enum reachable from `schema`, as a readable path.
fn find_enum(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    visited: &mut BTreeSet<String>,
) -> Option<String> {
    let (label, schema) = match schema {
        ReferenceOr::Reference { reference } => {
            if !visited.insert(reference.clone()) {
                return None;
            }
            let name = reference.rsplit('/').next()?;
            let found = spec.components.as_ref()?.schemas.get(name)?;
            return find_enum(spec, found, visited).map(|p| {
                if p.is_empty() {
                    name.to_string()
                } else {
                    format!("{name}.{p}")
                }
            });
        }
        ReferenceOr::Item(schema) => (String::new(), schema),
    };
    let boxed = |s: &ReferenceOr<Box<Schema>>| match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => Some(label),
        SchemaKind::Type(Type::Object(o)) => o
            .properties
            .iter()
            .find_map(|(prop, s)| find_enum(spec, &boxed(s), visited).map(|p| join(prop, &p))),
        SchemaKind::Type(Type::Array(a)) => a
            .items
            .as_ref()
            .and_then(|s| find_enum(spec, &boxed(s), visited))
            .map(|p| join("[]", &p)),
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::OneOf { one_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            list.iter().find_map(|s| find_enum(spec, s, visited))
        }
        _ => None,
    }
}

fn join(head: &str, tail: &str) -> String {
    if tail.is_empty() {
        head.to_string()
    } else {
        format!("{head}.{tail}")
    }
}

fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<openapiv3::Response>,
) -> Option<&'a openapiv3::Response> {
    match response {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => spec
            .components
            .as_ref()?
            .responses
            .get(reference.rsplit('/').next()?)?
            .as_item(),
    }
}

pub fn resolve_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
) -> Option<&'a openapiv3::RequestBody> {
    match body {
        ReferenceOr::Item(b) => Some(b),
        ReferenceOr::Reference { reference } => spec
            .components
            .as_ref()?
            .request_bodies
            .get(reference.rsplit('/').next()?)?
            .as_item(),
    }
}
