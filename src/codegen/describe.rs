//! What the spec says of a parameter, a property or a body: resolved through
//! `$ref`s and one-item `allOf`s into the facts the operations table keeps.

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
};

use super::{
    checks::{resolve_body, resolve_response},
    table::{Body, Field},
};

pub(super) fn request_body(
    spec: &OpenAPI,
    id: &str,
    body: &ReferenceOr<openapiv3::RequestBody>,
) -> Result<Body, String> {
    let body = resolve_body(spec, body)
        .ok_or_else(|| format!("operation {id}: unresolved request body"))?;
    let schema = body
        .content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
        .ok_or_else(|| format!("operation {id}: request body without a JSON schema"))?;
    let (name, resolved) = resolve_schema(spec, schema);
    let resolved = resolved.ok_or_else(|| format!("operation {id}: unresolved body schema"))?;
    let mut fields = Vec::new();
    let mut free_form = false;
    if let SchemaKind::Type(Type::Object(object)) = &resolved.schema_kind {
        free_form = object.additional_properties.is_some();
        for (prop, schema) in &object.properties {
            let schema = unbox(schema);
            let mut field = describe(spec, prop, "Body", &schema);
            field.required = object.required.contains(prop);
            fields.push(field);
        }
    }
    let description = body
        .description
        .clone()
        .or_else(|| resolved.schema_data.description.clone())
        .unwrap_or_default();
    Ok(Body {
        schema: name,
        required: body.required,
        description,
        fields,
        free_form,
    })
}

pub(super) fn param_field(spec: &OpenAPI, param: &Parameter) -> Option<Field> {
    let (data, location) = match param {
        Parameter::Path { parameter_data, .. } => (parameter_data, "Path"),
        Parameter::Query { parameter_data, .. } => (parameter_data, "Query"),
        Parameter::Header { parameter_data, .. } => (parameter_data, "Header"),
        Parameter::Cookie { parameter_data, .. } => (parameter_data, "Header"),
    };
    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
        return None;
    };
    let mut field = describe(spec, &data.name, location, schema);
    field.required = data.required;
    if let Some(d) = &data.description {
        field.description = d.clone();
    }
    Some(field)
}

/// What a property or parameter schema says: its component (through a
/// `$ref` or a one-item `allOf`), JSON kind, enum values, default, text.
pub(super) fn describe(
    spec: &OpenAPI,
    name: &str,
    location: &'static str,
    schema: &ReferenceOr<Schema>,
) -> Field {
    let (mut component_name, mut resolved) = resolve_schema(spec, schema);
    let outer = match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    };
    if let Some(SchemaKind::AllOf { all_of }) = outer.map(|s| &s.schema_kind)
        && let [only] = all_of.as_slice()
    {
        (component_name, resolved) = resolve_schema(spec, only);
    }
    let description = outer
        .and_then(|s| s.schema_data.description.clone())
        .or_else(|| resolved.and_then(|s| s.schema_data.description.clone()))
        .unwrap_or_default();
    let default = outer
        .and_then(|s| s.schema_data.default.clone())
        .or_else(|| resolved.and_then(|s| s.schema_data.default.clone()))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
    let (kind, values) = match resolved.map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::String(s))) => {
            ("String", s.enumeration.iter().flatten().cloned().collect())
        }
        Some(SchemaKind::Type(Type::Integer(_))) => ("Integer", Vec::new()),
        Some(SchemaKind::Type(Type::Number(_))) => ("Number", Vec::new()),
        Some(SchemaKind::Type(Type::Boolean(_))) => ("Boolean", Vec::new()),
        Some(SchemaKind::Type(Type::Array(_))) => ("Array", Vec::new()),
        _ => ("Object", Vec::new()),
    };
    Field {
        name: name.to_string(),
        location,
        description,
        required: false,
        schema: component_name,
        kind,
        values,
        default,
    }
}

pub(super) fn resolve_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> (String, Option<&'a Schema>) {
    match schema {
        ReferenceOr::Item(s) => (String::new(), Some(s)),
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            (name.to_string(), component(spec, name))
        }
    }
}

pub(super) fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
    }
}

pub(super) fn component<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

pub(super) fn string_pattern(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.pattern.clone(),
        _ => None,
    }
}

pub(super) fn resolve_param<'a>(
    spec: &'a OpenAPI,
    param: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match param {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => spec
            .components
            .as_ref()?
            .parameters
            .get(reference.rsplit('/').next()?)?
            .as_item(),
    }
}

/// The example of the first 2xx response, as JSON text.
pub(super) fn success_example(spec: &OpenAPI, op: &openapiv3::Operation) -> Option<String> {
    op.responses
        .responses
        .iter()
        .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299)))
        .find_map(|(_, r)| {
            let r = resolve_response(spec, r)?;
            if r.content.is_empty() {
                return Some("null".to_string());
            }
            Some(
                r.content
                    .get("application/json")?
                    .example
                    .clone()?
                    .to_string(),
            )
        })
}
