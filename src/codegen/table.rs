//! The operations table: what the spec says of each operation (method, path,
//! tag, texts, parameters, body fields, enum values, the success example),
//! rendered as Rust data for `crate::spec`. Tracing, the mock server and the
//! `phlo` CLI read it, so they grow with the spec.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Parameter, SchemaKind, Type};

use super::{
    describe::{
        component, describe, param_field, request_body, resolve_param, string_pattern,
        success_example, unbox,
    },
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
    pub(super) schema: String,
    pub required: bool,
    pub(super) description: String,
    pub(super) fields: Vec<Field>,
    pub(super) free_form: bool,
}

pub struct Field {
    pub name: String,
    pub(super) location: &'static str,
    pub description: String,
    pub(super) required: bool,
    pub(super) schema: String,
    pub(super) kind: &'static str,
    pub(super) values: Vec<String>,
    pub(super) default: Option<String>,
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

    /// The component schemas that are string enums: each is a generated
    /// `enum` of the same name.
    pub fn enum_schemas(&self, spec: &OpenAPI) -> BTreeSet<String> {
        let Some(components) = spec.components.as_ref() else {
            return BTreeSet::new();
        };
        components
            .schemas
            .iter()
            .filter(|(_, schema)| {
                matches!(schema.as_item().map(|s| &s.schema_kind),
                    Some(SchemaKind::Type(Type::String(s))) if !s.enumeration.is_empty())
            })
            // typify names a schema's type in PascalCase.
            .map(|(name, _)| super::guarded::pascal(name))
            .collect()
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
