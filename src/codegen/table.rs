//! The operations table: what the spec says of each operation (method, path,
//! tag, texts, parameters, body fields, enum values, the success example),
//! rendered as Rust data for `crate::spec`. Tracing, the mock server and the
//! `phlo` CLI read it, so they grow with the spec.

use std::collections::BTreeSet;

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
};

use super::{
    checks::{resolve_body, resolve_response},
    path_safe::pattern_is_path_safe,
};

pub struct Table {
    pub ops: Vec<Op>,
    /// (schema, pattern, maxLength, description) of the schemas the crate
    /// implements by hand.
    patterns: Vec<(String, String, Option<usize>, String)>,
    safe: BTreeSet<String>,
}

pub struct Op {
    pub id: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<Field>,
    pub body: Option<Body>,
    example: String,
}

pub struct Body {
    schema: String,
    pub required: bool,
    description: String,
    fields: Vec<Field>,
    free_form: bool,
}

pub struct Field {
    pub name: String,
    location: &'static str,
    pub description: String,
    required: bool,
    schema: String,
    kind: &'static str,
    values: Vec<String>,
    default: Option<String>,
}

/// The schemas build.rs replaces with hand-written types.
const HAND_WRITTEN: [&str; 3] = ["Address", "Id", "AuthId"];

impl Table {
    pub fn from_spec(spec: &OpenAPI) -> Result<Table, String> {
        let mut ops = Vec::new();
        let mut safe = BTreeSet::new();
        let mut unsafe_ = BTreeSet::new();
        for (path, item) in spec.paths.iter() {
            let item = item
                .as_item()
                .ok_or_else(|| format!("path {path}: not an item"))?;
            for (method, op) in item.iter() {
                let id = op.operation_id.clone().unwrap_or_default();
                let mut params = Vec::new();
                for param in item.parameters.iter().chain(&op.parameters) {
                    let param = resolve_param(spec, param)
                        .ok_or_else(|| format!("operation {id}: unresolved parameter"))?;
                    let field = param_field(spec, param)
                        .ok_or_else(|| format!("operation {id}: parameter without a schema"))?;
                    if let Parameter::Path { .. } = param {
                        let pattern = component(spec, &field.schema).and_then(string_pattern);
                        if pattern.is_some_and(|p| pattern_is_path_safe(&p)) {
                            safe.insert(field.name.clone());
                        } else {
                            unsafe_.insert(field.name.clone());
                        }
                    }
                    params.push(field);
                }
                let body = match &op.request_body {
                    Some(body) => Some(request_body(spec, &id, body)?),
                    None => None,
                };
                let example = success_example(spec, op)
                    .ok_or_else(|| format!("operation {id}: its 2xx response has no example"))?;
                ops.push(Op {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    tag: op.tags.first().cloned().unwrap_or_default(),
                    summary: op.summary.clone().unwrap_or_default(),
                    description: op.description.clone().unwrap_or_default(),
                    params,
                    body,
                    example,
                    id,
                });
            }
        }
        let mut patterns = Vec::new();
        for name in HAND_WRITTEN {
            let schema = component(spec, name).ok_or_else(|| {
                format!("components/schemas/{name} is missing (src/ implements it by hand)")
            })?;
            let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
                return Err(format!("components/schemas/{name} must be a string schema"));
            };
            let pattern = s
                .pattern
                .clone()
                .ok_or_else(|| format!("components/schemas/{name} must have a pattern"))?;
            let description = schema.schema_data.description.clone().unwrap_or_default();
            patterns.push((name.to_string(), pattern, s.max_length, description));
        }
        let safe = safe.difference(&unsafe_).cloned().collect();
        Ok(Table {
            ops,
            patterns,
            safe,
        })
    }

    /// The description of every property of every object schema:
    /// schema name -> [(property, description)].
    pub fn property_docs(spec: &OpenAPI) -> Vec<(String, Vec<(String, String)>)> {
        let Some(components) = spec.components.as_ref() else {
            return Vec::new();
        };
        let mut docs = Vec::new();
        for (name, schema) in &components.schemas {
            let Some(SchemaKind::Type(Type::Object(object))) =
                schema.as_item().map(|s| &s.schema_kind)
            else {
                continue;
            };
            let fields = object
                .properties
                .iter()
                .map(|(prop, s)| {
                    (
                        prop.clone(),
                        describe(spec, prop, "Body", &unbox(s)).description,
                    )
                })
                .filter(|(_, d)| !d.is_empty())
                .collect();
            docs.push((name.clone(), fields));
        }
        docs
    }

    /// Path parameters whose pattern admits only unreserved characters
    /// wherever they appear: they need no percent-encoding.
    pub fn path_safe_params(&self) -> BTreeSet<String> {
        self.safe.clone()
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.ops.iter().position(|o| o.id == id)
    }

    /// Rust source for `crate::spec` (which `include!`s it).
    pub fn render(&self) -> String {
        let mut out =
            String::from("/// Every operation in `spec/phlo.yaml`, in the spec's order.\n");
        out.push_str("pub static OPERATIONS: &[Operation] = &[\n");
        for op in &self.ops {
            let body = match &op.body {
                None => "None".to_string(),
                Some(b) => format!(
                    "Some(Body {{ schema: {:?}, required: {}, description: {:?}, fields: &[{}], free_form: {} }})",
                    b.schema,
                    b.required,
                    b.description,
                    fields(&b.fields),
                    b.free_form
                ),
            };
            out.push_str(&format!(
                "Operation {{ id: {:?}, method: {:?}, path: {:?}, tag: {:?}, summary: {:?}, \
                 description: {:?}, params: &[{}], body: {body}, example: {:?} }},\n",
                op.id,
                op.method,
                op.path,
                op.tag,
                op.summary,
                op.description,
                fields(&op.params),
                op.example
            ));
        }
        out.push_str("];\n");
        for (name, pattern, max, description) in &self.patterns {
            let constant = match name.as_str() {
                "AuthId" => "AUTH_ID",
                other => &other.to_ascii_uppercase(),
            };
            out.push_str(&format!(
                "/// The spec's `{name}` schema, the reference for its hand-written type.\n\
                 pub(crate) const {constant}: Pattern = Pattern {{ pattern: {pattern:?}, \
                 max_length: {max:?}, description: {description:?} }};\n"
            ));
        }
        out
    }
}

fn fields(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| {
            let values: Vec<String> = f.values.iter().map(|v| format!("{v:?}")).collect();
            format!(
                "Field {{ name: {:?}, location: Location::{}, description: {:?}, required: {}, \
                 schema: {:?}, kind: Kind::{}, values: &[{}], default: {:?} }}",
                f.name,
                f.location,
                f.description,
                f.required,
                f.schema,
                f.kind,
                values.join(", "),
                f.default
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn request_body(
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

fn param_field(spec: &OpenAPI, param: &Parameter) -> Option<Field> {
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
fn describe(
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

fn resolve_schema<'a>(
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

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
    }
}

fn component<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

fn string_pattern(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.pattern.clone(),
        _ => None,
    }
}

fn resolve_param<'a>(
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
fn success_example(spec: &OpenAPI, op: &openapiv3::Operation) -> Option<String> {
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
