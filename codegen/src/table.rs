//! The operations table: what the spec model says of each operation
//! (server, method, path, tag, texts, parameters, body fields, enum values,
//! the examples), rendered as Rust data for `crate::spec`. Tracing, the
//! mock server and the `phlo` CLI read it, so they grow with the spec.

use serde_norway::Value;

use super::model::{DATE, DATE_TIME, HAND_WRITTEN, Location, Model, Named, Op, Rules, Ty};

struct Field {
    name: String,
    location: &'static str,
    description: String,
    required: bool,
    schema: String,
    kind: &'static str,
    values: Vec<String>,
    default: Option<String>,
    examples: Vec<String>,
    limits: String,
}

/// The rules of a field's schema as a `Limits` literal: an alias's own,
/// and for an array, its items' with its item counts.
fn limits(model: &Model, ty: &Ty) -> String {
    fn go(model: &Model, ty: &Ty, out: &mut Vec<String>, depth: usize) {
        let rules = |r: &Rules, out: &mut Vec<String>| {
            let mut put = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    out.push(format!("{k}: {v}"));
                }
            };
            let float = |v: Option<f64>| v.map(|v| format!("Some({v:?})"));
            let count = |v: Option<u64>| v.map(|v| format!("Some({v})"));
            put("minimum", float(r.minimum));
            put("maximum", float(r.maximum));
            put(
                "exclusive_minimum",
                r.exclusive_minimum.then(|| "true".into()),
            );
            put(
                "exclusive_maximum",
                r.exclusive_maximum.then(|| "true".into()),
            );
            put("multiple_of", float(r.multiple_of));
            put("min_length", count(r.min_length));
            put("max_length", count(r.max_length));
            put(
                "pattern",
                r.pattern.as_ref().map(|p| format!("Some({p:?})")),
            );
            put("format", r.format.as_ref().map(|f| format!("{f:?}")));
        };
        if depth > 16 {
            return;
        }
        match ty {
            Ty::String(r) | Ty::Integer(_, r) | Ty::Number(r) => rules(r, out),
            Ty::Uuid => out.push("format: \"uuid\"".into()),
            Ty::Array(item, r) => {
                go(model, item, out, depth + 1);
                let count = |v: Option<u64>| v.map(|v| format!("Some({v})"));
                if let Some(v) = count(r.min_items) {
                    out.push(format!("min_items: {v}"));
                }
                if let Some(v) = count(r.max_items) {
                    out.push(format!("max_items: {v}"));
                }
            }
            Ty::Nullable(t) => go(model, t, out, depth + 1),
            Ty::Named(n) if n == DATE_TIME => out.push("format: \"date-time\"".into()),
            Ty::Named(n) if n == DATE => out.push("format: \"date\"".into()),
            Ty::Named(n) => {
                if let Some(Named::Alias(t)) = model.named(n) {
                    go(model, t, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut fields = Vec::new();
    go(model, ty, &mut fields, 0);
    if fields.is_empty() {
        "Limits::NONE".into()
    } else {
        format!("Limits {{ {}, ..Limits::NONE }}", fields.join(", "))
    }
}

fn kind(model: &Model, ty: &Ty) -> (&'static str, Vec<String>, String) {
    match ty {
        Ty::Named(n) => match model.named(n) {
            Some(Named::Enum(e)) => ("String", e.values.clone(), n.clone()),
            Some(Named::Object { .. }) => ("Object", Vec::new(), n.clone()),
            Some(Named::Alias(t)) => {
                let (k, v, _) = kind(model, t);
                (k, v, n.clone())
            }
            _ => ("String", Vec::new(), n.clone()),
        },
        Ty::String(_) | Ty::Uuid => ("String", Vec::new(), String::new()),
        Ty::Integer(..) => ("Integer", Vec::new(), String::new()),
        Ty::Number(_) => ("Number", Vec::new(), String::new()),
        Ty::Boolean => ("Boolean", Vec::new(), String::new()),
        Ty::Array(..) => ("Array", Vec::new(), String::new()),
        Ty::Map(_) | Ty::Any => ("Object", Vec::new(), String::new()),
        Ty::Nullable(t) => kind(model, t),
    }
}

fn params(model: &Model, op: &Op) -> Vec<Field> {
    op.params
        .iter()
        .map(|p| {
            let (kind, values, schema) = match &p.ty {
                // An array parameter: the kind and values of its items.
                Ty::Array(item, _) => {
                    let (_, values, schema) = kind(model, item);
                    ("Array", values, schema)
                }
                t => kind(model, t),
            };
            let location = match p.location {
                Location::Path => "Path",
                Location::Query => "Query",
            };
            Field::new(
                &p.wire,
                location,
                &p.description,
                p.required,
                (kind, values, schema),
                (&p.default, &p.examples),
                limits(model, &p.ty),
            )
        })
        .collect()
}

impl Field {
    fn new(
        name: &str,
        location: &'static str,
        description: &str,
        required: bool,
        (kind, values, schema): (&'static str, Vec<String>, String),
        (default, examples): (&Option<String>, &[String]),
        limits: String,
    ) -> Field {
        Field {
            name: name.to_string(),
            location,
            description: description.to_string(),
            required,
            schema,
            kind,
            values,
            default: default.clone(),
            examples: examples.to_vec(),
            limits,
        }
    }
}

pub fn render(model: &Model) -> Result<String, String> {
    let mut out =
        String::from("/// The servers of `spec/phlo.yaml`; the first is the document's own.\n");
    out.push_str(&format!(
        "pub static SERVERS: &[&str] = &{:?};\n",
        model.servers
    ));
    // Each operation a `const` (its tag's, so a file per tag can hold it),
    // the table a list of them.
    let mut elements = String::new();
    for op in &model.ops {
        let name = format!("OP_{}", op.rust.trim_start_matches("r#").to_uppercase());
        elements.push_str(&format!("{}{name},\n", super::tags::op_cfg_line(op)));
        let body = match &op.body {
            None => "None".to_string(),
            Some(b) => {
                let (schema, fields, free_form) = match &b.ty {
                    Ty::Named(n) => match model.named(n) {
                        Some(Named::Object {
                            props, free_form, ..
                        }) => (
                            n.clone(),
                            props
                                .iter()
                                .map(|p| {
                                    Field::new(
                                        &p.wire,
                                        "Body",
                                        &p.description,
                                        p.required,
                                        kind(model, &p.ty),
                                        (&p.default, &p.examples),
                                        limits(model, &p.ty),
                                    )
                                })
                                .collect(),
                            *free_form,
                        ),
                        Some(Named::Alias(Ty::Map(_) | Ty::Any)) => (n.clone(), Vec::new(), true),
                        _ => (n.clone(), Vec::new(), false),
                    },
                    _ => (String::new(), Vec::new(), true),
                };
                format!(
                    "Some(Body {{ schema: {schema:?}, required: {}, description: {:?}, fields: &[{}], free_form: {free_form}, example: {:?} }})",
                    b.required,
                    b.description,
                    fields_text(&fields),
                    op.request_example,
                )
            }
        };
        let callbacks: Vec<String> = op
            .callbacks
            .iter()
            .map(|c| {
                let schema = match &c.ty {
                    Ty::Named(n) => n.clone(),
                    _ => String::new(),
                };
                format!(
                    "Callback {{ name: {:?}, expression: {:?}, method: {:?}, content_types: &{:?}, schema: {schema:?}, description: {:?} }}",
                    c.name, c.expression, c.method, c.content_types, c.description
                )
            })
            .collect();
        out.push_str(&super::tags::op_cfg_line(op));
        out.push_str(&format!(
            "/// `{} {}`.\npub(crate) const {name}: Operation = Operation {{ id: {:?}, method_name: {:?}, method: {:?}, path: {:?}, server: {:?}, tag: {:?}, summary: {:?}, \
             description: {:?}, params: &[{}], body: {body}, status: {}, example: {:?}, callbacks: &[{}] }};\n",
            op.method,
            op.path,
            op.id,
            op.rust,
            op.method,
            op.path,
            model.servers[op.server],
            op.tag,
            op.summary,
            op.description,
            fields_text(&params(model, op)),
            op.status,
            op.example,
            callbacks.join(", ")
        ));
    }
    out.push_str("/// Every operation in `spec/phlo.yaml`, in the spec's order.\n");
    out.push_str(&format!(
        "pub static OPERATIONS: &[Operation] = &[\n{elements}];\n"
    ));
    for name in HAND_WRITTEN {
        let schema = model
            .doc
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .ok_or_else(|| {
                format!("components/schemas/{name} is missing (src/ implements it by hand)")
            })?;
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            return Err(format!("components/schemas/{name} must be a string schema"));
        }
        let pattern = schema
            .get("pattern")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("components/schemas/{name} must have a pattern"))?;
        let max = schema.get("maxLength").and_then(Value::as_u64);
        let description = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let constant = match name {
            "AuthId" => "AUTH_ID".to_string(),
            other => other.to_ascii_uppercase(),
        };
        out.push_str(&format!(
            "/// The spec's `{name}` schema, the reference for its hand-written type.\n\
             pub(crate) const {constant}: Pattern = Pattern {{ pattern: {pattern:?}, \
             max_length: {max:?}, description: {description:?} }};\n"
        ));
    }
    Ok(out)
}

fn fields_text(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| {
            // What a field has only sometimes is written only then; the
            // rest comes from `FIELD`.
            let mut rest = String::new();
            if !f.values.is_empty() {
                let values: Vec<String> = f.values.iter().map(|v| format!("{v:?}")).collect();
                rest.push_str(&format!("values: &[{}], ", values.join(", ")));
            }
            if let Some(default) = &f.default {
                rest.push_str(&format!("default: Some({default:?}), "));
            }
            if !f.examples.is_empty() {
                rest.push_str(&format!("examples: &{:?}, ", f.examples));
            }
            if f.limits != "Limits::NONE" {
                rest.push_str(&format!("limits: {}, ", f.limits));
            }
            format!(
                "Field {{ name: {:?}, location: Location::{}, description: {:?}, required: {}, \
                 schema: {:?}, kind: Kind::{}, {rest}..FIELD }}",
                f.name, f.location, f.description, f.required, f.schema, f.kind,
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
