//! The typed spec model: `spec/phlo.yaml` read once into operations (server,
//! path template, parameters, body, answer), every parameter and property
//! with its wire name and its Rust name, and every schema with its rules.
//! Everything the generator writes comes from here: progenitor gets the
//! normalised document this builds (inline enums and constrained strings
//! hoisted into named schemas, `default`s kept out of the types, dates
//! mapped to the crate's own types), and the guarded layer, the checks, the
//! mock's routes and the CLI's table are generated from the model itself.
//!
//! A construct the generator cannot take is refused here, by name, with
//! what to write instead.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::{Mapping, Value};

use super::names::{self, Taken};

/// The schemas the crate implements by hand (src/address.rs, src/ids.rs).
pub const HAND_WRITTEN: [&str; 3] = ["Address", "Id", "AuthId"];
/// The crate's own types for `format: date-time` and `format: date`
/// (src/formats.rs): reserved schema names.
pub const DATE_TIME: &str = "FormatDateTime";
pub const DATE: &str = "FormatDate";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

pub struct Model {
    /// Every distinct server URL; `[0]` is the document's own.
    pub servers: Vec<String>,
    pub ops: Vec<Op>,
    /// Every named schema (the spec's and the hoisted ones), by Rust name.
    pub schemas: BTreeMap<String, Named>,
    /// The normalised document, for progenitor.
    pub doc: Value,
    /// Operations progenitor's own client cannot take, and why.
    pub excluded: Vec<(String, String)>,
}

pub struct Op {
    pub id: String,
    pub method: String,
    pub path: String,
    pub server: usize,
    pub tag: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The success answer's type; `None` for an answer without a body.
    pub output: Option<Ty>,
    /// The success example (or one made from the schema), as JSON text.
    pub example: String,
    /// The request body's example, as JSON text (`null` for none).
    pub request_example: String,
    /// What Plivo sends back to the customer's server (OpenAPI `callbacks`).
    pub callbacks: Vec<Callback>,
}

/// One callback of an operation: what Plivo posts to the customer's webhook.
pub struct Callback {
    /// The callback's name in the spec (`multiPartyCallEvent`).
    pub name: String,
    /// Its URL expression (`{$request.body#/callback_url}` or a note).
    pub expression: String,
    pub method: String,
    /// The media types Plivo may send it as.
    pub content_types: Vec<String>,
    /// The body's type (like an answer: its enums take values Plivo adds).
    pub ty: Ty,
    pub description: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

pub struct Param {
    pub wire: String,
    pub rust: String,
    pub location: Location,
    pub required: bool,
    pub ty: Ty,
    pub description: String,
    pub default: Option<String>,
}

pub struct Body {
    pub ty: Ty,
    pub required: bool,
    pub description: String,
}

#[derive(Clone)]
pub struct Prop {
    pub wire: String,
    pub rust: String,
    pub required: bool,
    pub ty: Ty,
    pub description: String,
    pub default: Option<String>,
}

pub enum Named {
    Object {
        props: Vec<Prop>,
        free_form: bool,
    },
    Enum(EnumDef),
    /// Address, Id, AuthId: checked when made.
    Hand,
    /// The crate's date and date-time types.
    Format,
    /// Anything else: a constrained string (a typify newtype), an alias.
    Alias(Ty),
}

pub struct EnumDef {
    pub values: Vec<String>,
    pub variants: Vec<String>,
    pub description: String,
    pub default: Option<String>,
    /// Reachable from an answer: it gets an `Other(String)` variant.
    pub in_response: bool,
    pub in_request: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A named schema, by its Rust name.
    Named(String),
    String(Rules),
    Integer(IntFormat, Rules),
    Number(Rules),
    Boolean,
    Uuid,
    Array(Box<Ty>, Rules),
    Map(Box<Ty>),
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntFormat {
    I32,
    I64,
    U32,
    U64,
}

/// The rules a schema states, as the spec writes them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rules {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// Allowed values of a number or integer `enum`.
    pub values: Vec<f64>,
    pub nullable: bool,
}

impl Model {
    pub fn named(&self, name: &str) -> Option<&Named> {
        self.schemas.get(name)
    }
}

fn key(name: &str) -> Value {
    Value::String(name.to_string())
}

fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_mapping()?.get(k)
}

fn text(v: &Value, k: &str) -> String {
    get(v, k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn number(v: &Value, k: &str) -> Option<f64> {
    get(v, k).and_then(Value::as_f64)
}

fn count(v: &Value, k: &str) -> Option<u64> {
    get(v, k).and_then(Value::as_u64)
}

/// A scalar as the text the spec means (`agent`, `10`, `true`).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => serde_json::to_string(other).ok(),
    }
}

fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// `#/components/<kind>/<name>` -> `name`.
fn ref_name<'a>(v: &'a Value, kind: &str) -> Option<Result<&'a str, String>> {
    let reference = get(v, "$ref")?.as_str()?;
    let prefix = format!("#/components/{kind}/");
    Some(
        reference
            .strip_prefix(&prefix)
            .ok_or_else(|| format!("$ref {reference:?}: only local `{prefix}...` references are supported (keep the spec one self-contained file)")),
    )
}

struct Builder {
    doc: Value,
    schemas: BTreeMap<String, Named>,
    /// The spec's component names (as written) by Rust name.
    taken: Taken,
    pending: Vec<(String, Value)>,
}

pub fn build(text: &str) -> Result<Model, String> {
    let doc: Value = serde_norway::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
    let version = text_at(&doc, "openapi");
    if !version.starts_with("3.0.") {
        return Err(format!(
            "openapi is {version:?}; progenitor accepts only 3.0.x (write `openapi: 3.0.3`)"
        ));
    }
    let mut b = Builder {
        doc,
        schemas: BTreeMap::new(),
        taken: Taken::default(),
        pending: Vec::new(),
    };
    b.components()?;
    let (servers, ops) = b.operations()?;
    b.drain()?;
    let mut model = Model {
        servers,
        ops,
        schemas: b.schemas,
        doc: b.doc,
        excluded: Vec::new(),
    };
    mark_enums(&mut model);
    name_props(&mut model);
    model.excluded = excluded(&model);
    Ok(model)
}

fn text_at(doc: &Value, k: &str) -> String {
    match get(doc, k) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => scalar(other).unwrap_or_default(),
        None => String::new(),
    }
}

impl Builder {
    fn components_mut(&mut self) -> &mut Mapping {
        let root = self.doc.as_mapping_mut().expect("a mapping");
        let components = root
            .entry(key("components"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if !components.is_mapping() {
            *components = Value::Mapping(Mapping::new());
        }
        let schemas = components
            .as_mapping_mut()
            .expect("a mapping")
            .entry(key("schemas"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if !schemas.is_mapping() {
            *schemas = Value::Mapping(Mapping::new());
        }
        schemas.as_mapping_mut().expect("a mapping")
    }

    /// Every component schema, walked as a root.
    fn components(&mut self) -> Result<(), String> {
        let names: Vec<String> = self
            .components_mut()
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        let mut seen = BTreeMap::new();
        for name in &names {
            let rust = names::pascal(name);
            if let Some(other) = seen.insert(rust.clone(), name.clone()) {
                return Err(format!(
                    "schemas {other} and {name} both become the Rust type {rust}; rename one"
                ));
            }
            if [DATE_TIME, DATE].contains(&rust.as_str()) {
                return Err(format!(
                    "schema {name}: the name {rust} is reserved for the crate's `format: date-time` / `date` types; rename it"
                ));
            }
            self.taken.take(&rust, "");
        }
        for name in names {
            let schema = self.components_mut().remove(key(&name)).unwrap_or_default();
            self.pending.push((name, schema));
        }
        self.drain()
    }

    /// Walks the schemas waiting to be named (the spec's, then hoisted ones).
    fn drain(&mut self) -> Result<(), String> {
        while let Some((name, mut schema)) = self.pending.pop() {
            let named = self.root(&name, &mut schema)?;
            self.components_mut().insert(key(&name), schema);
            self.schemas.insert(names::pascal(&name), named);
        }
        Ok(())
    }

    fn root(&mut self, name: &str, schema: &mut Value) -> Result<Named, String> {
        let rust = names::pascal(name);
        if HAND_WRITTEN.contains(&name) {
            return Ok(Named::Hand);
        }
        if [DATE_TIME, DATE].contains(&name) {
            return Ok(Named::Format);
        }
        let at = format!("schema {name}");
        if get(schema, "enum").is_some() && is_string_enum(schema) {
            return enum_def(&at, schema).map(Named::Enum);
        }
        strip_default(schema);
        if is_object_with_properties(schema) {
            let required: BTreeSet<String> = get(schema, "required")
                .and_then(Value::as_sequence)
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let free_form = get(schema, "additionalProperties")
                .is_some_and(|a| !matches!(a, Value::Bool(false)));
            let mut props = Vec::new();
            let keys: Vec<String> = get(schema, "properties")
                .and_then(Value::as_mapping)
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            for prop in keys {
                let site = schema
                    .as_mapping_mut()
                    .and_then(|m| m.get_mut("properties"))
                    .and_then(|p| p.as_mapping_mut())
                    .and_then(|p| p.get_mut(prop.as_str()))
                    .expect("the property exists");
                let description = property_description(&*site);
                let default = default_of(&*site);
                let hint = format!("{rust}{}", names::pascal(&prop));
                let ty = self.ty(site, &hint, &format!("{at}, property {prop}"), false)?;
                props.push(Prop {
                    required: required.contains(&prop),
                    wire: prop,
                    rust: String::new(),
                    ty,
                    description,
                    default,
                });
            }
            return Ok(Named::Object { props, free_form });
        }
        let ty = self.ty(schema, &rust, &at, true)?;
        Ok(Named::Alias(ty))
    }

    /// The type of the schema at a site, hoisting what typify would name.
    fn ty(&mut self, schema: &mut Value, hint: &str, at: &str, root: bool) -> Result<Ty, String> {
        if let Some(name) = ref_name(schema, "schemas") {
            let name = name.map_err(|e| format!("{at}: {e}"))?;
            return Ok(Ty::Named(names::pascal(name)));
        }
        if !root {
            strip_default(schema);
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            let Some(list) = get(schema, combinator).and_then(Value::as_sequence) else {
                continue;
            };
            if combinator == "allOf" && list.len() == 1 {
                let mut only = list[0].clone();
                let ty = self.ty(&mut only, hint, at, root)?;
                if let Some(seq) = schema
                    .as_mapping_mut()
                    .and_then(|m| m.get_mut("allOf"))
                    .and_then(Value::as_sequence_mut)
                {
                    seq[0] = only;
                }
                return Ok(nullable(ty, schema));
            }
            // typify merges or unions these; the model checks nothing inside.
            if !root {
                return Ok(self.hoist(schema, hint));
            }
            return Ok(Ty::Any);
        }
        let kind = get(schema, "type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kind = kind.as_str();
        let rules = rules(schema);
        if get(schema, "enum").is_some() {
            if is_string_enum(schema) {
                enum_def(at, schema)?;
                return Ok(if root {
                    Ty::String(rules)
                } else {
                    self.hoist(schema, hint)
                });
            }
            // A number or integer enum is a number with a rule.
            if let Some(map) = schema.as_mapping_mut() {
                map.remove("enum");
            }
        }
        let ty = match kind {
            "string" => {
                let format = text(schema, "format");
                match format.as_str() {
                    "uuid" => Ty::Uuid,
                    "date-time" | "date" => {
                        let target = if format == "date" { DATE } else { DATE_TIME };
                        return Ok(self.format_ref(schema, target));
                    }
                    _ if !root
                        && (rules.pattern.is_some()
                            || rules.min_length.is_some()
                            || rules.max_length.is_some()) =>
                    {
                        return Ok(self.hoist(schema, hint));
                    }
                    _ => Ty::String(rules),
                }
            }
            "integer" => {
                let format = match text(schema, "format").as_str() {
                    "int32" => IntFormat::I32,
                    "uint32" => IntFormat::U32,
                    "uint64" => IntFormat::U64,
                    _ => IntFormat::I64,
                };
                Ty::Integer(format, rules)
            }
            "number" => Ty::Number(rules),
            "boolean" => Ty::Boolean,
            "array" => {
                let Some(items) = schema.as_mapping_mut().and_then(|m| m.get_mut("items")) else {
                    return Err(format!("{at}: an array needs `items`"));
                };
                let item = self.ty(items, &format!("{hint}Item"), &format!("{at} items"), false)?;
                Ty::Array(Box::new(item), rules)
            }
            "object" | "" if is_object_with_properties(schema) => {
                if root {
                    return Err(format!("{at}: internal: an object root reached ty()"));
                }
                return Ok(self.hoist(schema, hint));
            }
            "object" | "" => match schema
                .as_mapping_mut()
                .and_then(|m| m.get_mut("additionalProperties"))
            {
                Some(Value::Bool(_)) | None => Ty::Any,
                Some(values) => {
                    let value = self.ty(
                        values,
                        &format!("{hint}Value"),
                        &format!("{at} values"),
                        false,
                    )?;
                    Ty::Map(Box::new(value))
                }
            },
            other => {
                return Err(format!(
                    "{at}: `type: {other}` is not an OpenAPI 3.0 type (string, integer, number, boolean, array, object)"
                ));
            }
        };
        Ok(ty)
    }

    /// Moves an inline schema into the named schemas; the site refers to it.
    fn hoist(&mut self, schema: &mut Value, hint: &str) -> Ty {
        let name = self.taken.take(hint, "");
        let mut moved = std::mem::take(schema);
        let mut site = Mapping::new();
        let reference = Value::Mapping(Mapping::from_iter([(
            key("$ref"),
            key(&format!("#/components/schemas/{name}")),
        )]));
        let description = moved.as_mapping_mut().and_then(|m| m.remove("description"));
        let is_nullable = get(&moved, "nullable").and_then(Value::as_bool) == Some(true);
        if description.is_some() || is_nullable {
            site.insert(key("allOf"), Value::Sequence(vec![reference]));
            if let Some(d) = description.clone() {
                site.insert(key("description"), d.clone());
                if let Some(m) = moved.as_mapping_mut() {
                    m.insert(key("description"), d);
                }
            }
            if is_nullable {
                site.insert(key("nullable"), Value::Bool(true));
            }
            *schema = Value::Mapping(site);
        } else {
            *schema = reference;
        }
        self.pending.push((name.clone(), moved));
        let ty = Ty::Named(name);
        if is_nullable {
            nullable(ty, schema)
        } else {
            ty
        }
    }

    /// `format: date-time` / `date`: the crate's own type, by reference.
    fn format_ref(&mut self, schema: &mut Value, target: &str) -> Ty {
        let description = get(schema, "description").cloned();
        let reference = Value::Mapping(Mapping::from_iter([(
            key("$ref"),
            key(&format!("#/components/schemas/{target}")),
        )]));
        let mut site = Mapping::new();
        site.insert(key("allOf"), Value::Sequence(vec![reference]));
        if let Some(d) = description {
            site.insert(key("description"), d);
        }
        if get(schema, "nullable").and_then(Value::as_bool) == Some(true) {
            site.insert(key("nullable"), Value::Bool(true));
        }
        *schema = Value::Mapping(site);
        if !self.schemas.contains_key(target) {
            let placeholder = serde_norway::from_str::<Value>(&format!(
                "type: string\ndescription: The crate's {target} type (src/formats.rs).\n"
            ))
            .expect("a literal");
            self.components_mut().insert(key(target), placeholder);
            self.schemas.insert(target.to_string(), Named::Format);
        }
        Ty::Named(target.to_string())
    }

    fn operations(&mut self) -> Result<(Vec<String>, Vec<Op>), String> {
        let mut servers = vec![
            server_of(&self.doc, "the document")?
                .unwrap_or_else(|| "https://phlorunner.plivo.com/v1".to_string()),
        ];
        let mut ops = Vec::new();
        let mut ids = BTreeSet::new();
        let paths: Vec<String> = get(&self.doc, "paths")
            .and_then(Value::as_mapping)
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for path in paths {
            let item = get(&self.doc, "paths")
                .and_then(|p| get(p, &path))
                .cloned()
                .unwrap_or_default();
            if get(&item, "$ref").is_some() {
                return Err(format!(
                    "path {path}: external path items ($ref) are not supported"
                ));
            }
            check_template(&path)?;
            let item_server = server_of(&item, &format!("path {path}"))?;
            for method in METHODS {
                let Some(op) = get(&item, method) else {
                    continue;
                };
                let id = text(op, "operationId");
                let upper = method.to_uppercase();
                if id.is_empty() {
                    return Err(format!("{upper} {path}: operation has no operationId"));
                }
                if !is_snake_case(&id) {
                    return Err(format!(
                        "operationId {id:?} must be snake_case (a-z, 0-9, _): it names a Rust method and a CLI subcommand"
                    ));
                }
                if !ids.insert(id.clone()) {
                    return Err(format!("operationId {id} is used twice"));
                }
                let tag = get(op, "tags")
                    .and_then(Value::as_sequence)
                    .and_then(|t| t.first())
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        format!("operation {id}: give it a tag (the CLI groups subcommands by tag)")
                    })?
                    .to_string();
                let server =
                    match server_of(op, &format!("operation {id}"))?.or(item_server.clone()) {
                        None => 0,
                        Some(url) => match servers.iter().position(|s| *s == url) {
                            Some(at) => at,
                            None => {
                                servers.push(url);
                                servers.len() - 1
                            }
                        },
                    };
                let built = self.operation(&id, &path, method, &item, server, tag)?;
                ops.push(built);
            }
            if let Some(item) = self
                .doc
                .as_mapping_mut()
                .and_then(|m| m.get_mut("paths"))
                .and_then(|m| m.as_mapping_mut())
                .and_then(|m| m.get_mut(path.as_str()))
                .and_then(|i| i.as_mapping_mut())
            {
                item.remove("parameters");
                item.remove("servers");
            }
        }
        Ok((servers, ops))
    }

    fn operation(
        &mut self,
        id: &str,
        path: &str,
        method: &str,
        item: &Value,
        server: usize,
        tag: String,
    ) -> Result<Op, String> {
        let at = format!("operation {id}");
        let op_pascal = names::pascal(id);
        let op_value = get(item, method).cloned().unwrap_or_default();
        // Parameters: the path item's, then the operation's (which win).
        let mut raw: Vec<Value> = Vec::new();
        for list in [get(item, "parameters"), get(&op_value, "parameters")] {
            for p in list.and_then(Value::as_sequence).into_iter().flatten() {
                let p = self.resolve(p, "parameters", &at)?;
                let same = |q: &Value| {
                    text(q, "name") == text(&p, "name") && text(q, "in") == text(&p, "in")
                };
                raw.retain(|q| !same(q));
                raw.push(p);
            }
        }
        let mut params = Vec::new();
        let mut taken = Taken::default();
        let has_body = get(&op_value, "requestBody").is_some();
        if has_body {
            taken.take("body", "_");
        }
        let mut in_template: BTreeSet<String> = template_names(path).into_iter().collect();
        let mut normalized = Vec::new();
        for mut p in raw {
            let wire = text(&p, "name");
            let location = match text(&p, "in").as_str() {
                "path" => Location::Path,
                "query" => Location::Query,
                other => {
                    return Err(format!(
                        "{at}: parameter {wire} is in {other:?}; header and cookie parameters are not supported yet (describe it in the operation's description, and send it with a per-call header)"
                    ));
                }
            };
            if location == Location::Path && !in_template.remove(&wire) {
                return Err(format!(
                    "{at}: path parameter {wire} is not in the path template {path}"
                ));
            }
            if get(&p, "content").is_some() {
                return Err(format!(
                    "{at}: parameter {wire} uses `content`; give it a `schema`"
                ));
            }
            let style = text(&p, "style");
            if !(style.is_empty()
                || (location == Location::Query && style == "form")
                || (location == Location::Path && style == "simple"))
            {
                return Err(format!(
                    "{at}: parameter {wire} has style {style:?}; only the default styles (form for the query, simple for the path) are supported"
                ));
            }
            if get(&p, "explode").and_then(Value::as_bool) == Some(false) {
                return Err(format!(
                    "{at}: parameter {wire} has `explode: false`; only exploded arrays (name=a&name=b) are supported"
                ));
            }
            let description = text(&p, "description");
            let Some(schema) = p.as_mapping_mut().and_then(|m| m.get_mut("schema")) else {
                return Err(format!("{at}: parameter {wire} has no schema"));
            };
            let default = default_of(schema);
            let description = if description.is_empty() {
                property_description(schema)
            } else {
                description
            };
            let hint = format!("{op_pascal}{}", names::pascal(&wire));
            let ty = self.ty(schema, &hint, &format!("{at}, parameter {wire}"), false)?;
            let ty = self.param_type(ty, &at, &wire, location)?;
            let required = location == Location::Path
                || get(&p, "required").and_then(Value::as_bool) == Some(true);
            params.push(Param {
                rust: taken.take(&names::snake(&wire), "_"),
                wire,
                location,
                required,
                ty,
                description,
                default,
            });
            normalized.push(p);
        }
        // Each operation carries all of its parameters, resolved.
        self.write_op(path, method, |op| {
            if let Some(m) = op.as_mapping_mut() {
                m.insert(key("parameters"), Value::Sequence(normalized));
            }
        });
        if let Some(missing) = in_template.into_iter().next() {
            return Err(format!(
                "{at}: the path template names {{{missing}}}, which no parameter describes"
            ));
        }
        let (body, request_example) = match get(&op_value, "requestBody") {
            None => (None, "null".to_string()),
            Some(body) => {
                let mut body = self.resolve(body, "requestBodies", &at)?;
                let (b, example) = self.request_body(&mut body, &at, &op_pascal)?;
                self.write_op(path, method, |op| {
                    if let Some(m) = op.as_mapping_mut() {
                        m.insert(key("requestBody"), body);
                    }
                });
                (Some(b), example)
            }
        };
        let (output, example) = self.responses(path, method, &at, &op_pascal)?;
        let callbacks = self.callbacks(path, method, &at)?;
        Ok(Op {
            id: id.to_string(),
            method: method.to_uppercase(),
            path: path.to_string(),
            server,
            tag,
            summary: text(&op_value, "summary"),
            description: text(&op_value, "description"),
            params,
            body,
            output,
            example,
            request_example,
            callbacks,
        })
    }

    /// The operation's `callbacks`: each request Plivo sends back, with its
    /// body's type. They leave the document progenitor sees (it would make
    /// nothing of them).
    fn callbacks(&mut self, path: &str, method: &str, at: &str) -> Result<Vec<Callback>, String> {
        let op = get(&self.doc, "paths")
            .and_then(|p| get(p, path))
            .and_then(|i| get(i, method))
            .cloned()
            .unwrap_or_default();
        let Some(list) = get(&op, "callbacks").and_then(Value::as_mapping).cloned() else {
            return Ok(Vec::new());
        };
        self.write_op(path, method, |op| {
            if let Some(m) = op.as_mapping_mut() {
                m.remove("callbacks");
            }
        });
        let mut out = Vec::new();
        for (name, expressions) in list {
            let name = scalar(&name).unwrap_or_default();
            let at = format!("{at}, callback {name}");
            for (expression, item) in expressions.as_mapping().cloned().unwrap_or_default() {
                let expression = scalar(&expression).unwrap_or_default();
                for verb in METHODS {
                    let Some(cb) = get(&item, verb) else { continue };
                    let mut body = match get(cb, "requestBody") {
                        Some(b) => self.resolve(b, "requestBodies", &at)?,
                        None => {
                            return Err(format!(
                                "{at}: a callback needs a requestBody (what Plivo sends)"
                            ));
                        }
                    };
                    let description = text(cb, "description");
                    let Some(content) = body
                        .as_mapping_mut()
                        .and_then(|b| b.get_mut("content"))
                        .and_then(Value::as_mapping_mut)
                    else {
                        return Err(format!("{at}: the callback's requestBody has no content"));
                    };
                    let mut content_types = Vec::new();
                    let mut ty = None;
                    for (media, value) in content.iter_mut() {
                        let media = scalar(media).unwrap_or_default();
                        if !["application/json", "application/x-www-form-urlencoded"]
                            .contains(&media.as_str())
                        {
                            return Err(format!(
                                "{at}: callback content {media}; JSON and form bodies are supported"
                            ));
                        }
                        content_types.push(media);
                        let Some(schema) = value.as_mapping_mut().and_then(|m| m.get_mut("schema"))
                        else {
                            return Err(format!("{at}: the callback's body has no schema"));
                        };
                        let this = self.ty(
                            schema,
                            &format!("{}Event", names::pascal(&name)),
                            &at,
                            false,
                        )?;
                        if ty.as_ref().is_some_and(|t| *t != this) {
                            return Err(format!("{at}: its media types must share one schema"));
                        }
                        ty = Some(this);
                    }
                    let Some(ty) = ty else {
                        return Err(format!("{at}: the callback's requestBody has no content"));
                    };
                    out.push(Callback {
                        name: name.clone(),
                        expression: expression.clone(),
                        method: verb.to_uppercase(),
                        content_types,
                        ty,
                        description,
                    });
                }
            }
        }
        Ok(out)
    }

    /// What a parameter can be: one value, or (in the query) an array of them.
    fn param_type(&self, ty: Ty, at: &str, wire: &str, location: Location) -> Result<Ty, String> {
        let scalar_ok = |t: &Ty| match t {
            Ty::Named(n) => !matches!(
                self.schemas.get(n),
                Some(Named::Object { .. })
                    | Some(Named::Alias(Ty::Array(..) | Ty::Map(_) | Ty::Any))
            ),
            Ty::Array(..) | Ty::Map(_) | Ty::Any => false,
            _ => true,
        };
        match &ty {
            Ty::Array(item, _) if location == Location::Query && scalar_ok(item) => Ok(ty),
            Ty::Array(..) => Err(format!(
                "{at}: parameter {wire} is an array {}; only query arrays of scalar values are supported",
                if location == Location::Path {
                    "in the path"
                } else {
                    "of objects or arrays"
                }
            )),
            t if scalar_ok(t) => Ok(ty),
            _ => Err(format!(
                "{at}: parameter {wire} is an object; parameters are scalar values (send objects in the JSON body)"
            )),
        }
    }

    fn request_body(
        &mut self,
        body: &mut Value,
        at: &str,
        op_pascal: &str,
    ) -> Result<(Body, String), String> {
        let required = get(body, "required").and_then(Value::as_bool) == Some(true);
        let description = text(body, "description");
        let content = get(body, "content")
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default();
        if let Some(other) = content
            .keys()
            .filter_map(Value::as_str)
            .find(|k| *k != "application/json")
        {
            return Err(format!(
                "{at}: the request body is {other}; only application/json bodies are supported"
            ));
        }
        let Some(media) = body
            .as_mapping_mut()
            .and_then(|m| m.get_mut("content"))
            .and_then(|c| c.as_mapping_mut())
            .and_then(|c| c.get_mut("application/json"))
        else {
            return Err(format!(
                "{at}: the request body has no application/json content"
            ));
        };
        let example = media_example(media);
        let Some(schema) = media.as_mapping_mut().and_then(|m| m.get_mut("schema")) else {
            return Err(format!("{at}: the request body has no schema"));
        };
        let ty = self.ty(
            schema,
            &format!("{op_pascal}Body"),
            &format!("{at}, request body"),
            false,
        )?;
        let description = if description.is_empty() {
            property_description(schema)
        } else {
            description
        };
        Ok((
            Body {
                ty,
                required,
                description,
            },
            example.unwrap_or_else(|| "null".into()),
        ))
    }

    fn responses(
        &mut self,
        path: &str,
        method: &str,
        at: &str,
        op_pascal: &str,
    ) -> Result<(Option<Ty>, String), String> {
        let op = get(&self.doc, "paths")
            .and_then(|p| get(p, path))
            .and_then(|i| get(i, method))
            .cloned()
            .unwrap_or_default();
        let responses = get(&op, "responses")
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default();
        if responses.is_empty() {
            return Err(format!(
                "{at}: it has no responses; give at least its 2xx answer"
            ));
        }
        let mut resolved = Mapping::new();
        let mut success: Option<(String, Option<Ty>)> = None;
        let mut errors: Option<(String, Option<Ty>)> = None;
        let mut example = None;
        for (code, response) in responses {
            let code = scalar(&code).unwrap_or_default();
            if code == "default" {
                return Err(format!(
                    "{at}: `default` responses are not supported; declare 4XX and 5XX"
                ));
            }
            let mut response = self.resolve(&response, "responses", at)?;
            let ok = code.starts_with('2');
            let content = get(&response, "content")
                .and_then(Value::as_mapping)
                .cloned()
                .unwrap_or_default();
            if let Some(other) = content
                .keys()
                .filter_map(Value::as_str)
                .find(|k| *k != "application/json")
            {
                return Err(format!(
                    "{at}: response {code} is {other}; answers must be application/json or have no body"
                ));
            }
            let hint = if ok {
                format!("{op_pascal}Response")
            } else {
                format!("{op_pascal}Error")
            };
            let ty = match response
                .as_mapping_mut()
                .and_then(|m| m.get_mut("content"))
                .and_then(|c| c.as_mapping_mut())
                .and_then(|c| c.get_mut("application/json"))
            {
                None => None,
                Some(media) => {
                    if ok && example.is_none() {
                        example = media_example(media);
                    }
                    match media.as_mapping_mut().and_then(|m| m.get_mut("schema")) {
                        None => None,
                        Some(schema) => Some(self.ty(
                            schema,
                            &hint,
                            &format!("{at}, response {code}"),
                            false,
                        )?),
                    }
                }
            };
            let slot = if ok { &mut success } else { &mut errors };
            match slot {
                None => *slot = Some((code.clone(), ty)),
                Some((first, seen)) if *seen != ty => {
                    return Err(format!(
                        "{at}: responses {first} and {code} have different bodies; {} responses must share one schema (progenitor takes one type per side)",
                        if ok { "2xx" } else { "error" }
                    ));
                }
                Some(_) => {}
            }
            resolved.insert(key(&code), response);
        }
        self.write_op(path, method, |op| {
            if let Some(m) = op.as_mapping_mut() {
                m.insert(key("responses"), Value::Mapping(resolved));
            }
        });
        let Some((_, output)) = success else {
            return Err(format!("{at}: it has no 2xx response"));
        };
        let example = match (&output, example) {
            (_, Some(e)) => e,
            (None, None) => "null".into(),
            (Some(ty), None) => json_value(&self.synth(ty, 0)),
        };
        Ok((output, example))
    }

    /// A made-up answer for an operation whose spec gives no example: the
    /// required fields with plain values.
    fn synth(&self, ty: &Ty, depth: usize) -> serde_json::Value {
        use serde_json::Value as J;
        if depth > 8 {
            return J::Null;
        }
        match ty {
            Ty::Named(name) => match self.schemas.get(name) {
                Some(Named::Object { props, .. }) => J::Object(
                    props
                        .iter()
                        .filter(|p| p.required)
                        .map(|p| (p.wire.clone(), self.synth(&p.ty, depth + 1)))
                        .collect(),
                ),
                Some(Named::Enum(e)) => J::String(e.values.first().cloned().unwrap_or_default()),
                Some(Named::Alias(t)) => self.synth(t, depth + 1),
                Some(Named::Format) if name == DATE => J::String("2020-06-03".into()),
                Some(Named::Format) => J::String("2020-06-03T10:48:43Z".into()),
                _ => J::String("example".into()),
            },
            Ty::String(_) => J::String(String::new()),
            Ty::Uuid => J::String("00000000-0000-4000-8000-000000000000".into()),
            Ty::Integer(_, r) => J::from(r.minimum.map_or(0, |m| m.ceil() as i64)),
            Ty::Number(r) => J::from(r.minimum.unwrap_or(0.0)),
            Ty::Boolean => J::Bool(false),
            Ty::Array(..) => J::Array(Vec::new()),
            Ty::Map(_) | Ty::Any => J::Object(Default::default()),
        }
    }

    fn resolve(&self, v: &Value, kind: &str, at: &str) -> Result<Value, String> {
        let mut v = v.clone();
        for _ in 0..8 {
            let Some(name) = ref_name(&v, kind) else {
                return Ok(v);
            };
            let name = name.map_err(|e| format!("{at}: {e}"))?;
            v = get(&self.doc, "components")
                .and_then(|c| get(c, kind))
                .and_then(|c| get(c, name))
                .cloned()
                .ok_or_else(|| format!("{at}: #/components/{kind}/{name} is not defined"))?;
        }
        Err(format!("{at}: $ref chain too long (a cycle?)"))
    }

    fn write_op(&mut self, path: &str, method: &str, edit: impl FnOnce(&mut Value)) {
        if let Some(op) = self
            .doc
            .as_mapping_mut()
            .and_then(|m| m.get_mut("paths"))
            .and_then(|p| p.as_mapping_mut())
            .and_then(|p| p.get_mut(path))
            .and_then(|i| i.as_mapping_mut())
            .and_then(|i| i.get_mut(method))
        {
            edit(op);
        }
    }
}

fn json_value(v: &serde_json::Value) -> String {
    v.to_string()
}

fn media_example(media: &Value) -> Option<String> {
    if let Some(e) = get(media, "example") {
        return Some(json(e));
    }
    get(media, "examples")
        .and_then(Value::as_mapping)
        .and_then(|m| m.values().next())
        .and_then(|e| get(e, "value"))
        .map(json)
        .or_else(|| {
            get(media, "schema")
                .and_then(|s| get(s, "example"))
                .map(json)
        })
}

fn server_of(v: &Value, at: &str) -> Result<Option<String>, String> {
    let Some(first) = get(v, "servers")
        .and_then(Value::as_sequence)
        .and_then(|s| s.first())
    else {
        return Ok(None);
    };
    let url = text(first, "url");
    if url.contains('{') {
        return Err(format!(
            "{at}: server {url:?} has variables; write the URL out (each server's URL can be overridden on the client builder)"
        ));
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!(
            "{at}: server {url:?} must be an absolute http(s) URL"
        ));
    }
    Ok(Some(url.trim_end_matches('/').to_string()))
}

fn check_template(path: &str) -> Result<(), String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("path {path}: must start with '/'"));
    };
    for segment in rest.split('/') {
        if segment.contains('{') || segment.contains('}') {
            let whole = segment.starts_with('{')
                && segment.ends_with('}')
                && segment[1..segment.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !whole {
                return Err(format!(
                    "path {path}: segment {segment:?}; a placeholder must be a whole segment, `{{name}}` (write `name_{{mpc_name}}` as a parameter holding the whole segment)"
                ));
            }
        } else if segment == "." || segment == ".." || segment.contains(['?', '#', '%', '\\']) {
            return Err(format!(
                "path {path}: segment {segment:?} would change the route"
            ));
        }
    }
    Ok(())
}

fn template_names(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_string_enum(schema: &Value) -> bool {
    let kind = get(schema, "type").and_then(Value::as_str);
    let values = get(schema, "enum").and_then(Value::as_sequence);
    kind == Some("string")
        || (kind.is_none()
            && values.is_some_and(|v| v.iter().all(|x| x.is_string() || x.is_null())))
}

fn is_object_with_properties(schema: &Value) -> bool {
    let kind = get(schema, "type").and_then(Value::as_str);
    matches!(kind, Some("object") | None)
        && get(schema, "properties")
            .and_then(Value::as_mapping)
            .is_some_and(|p| !p.is_empty())
}

fn enum_def(at: &str, schema: &Value) -> Result<EnumDef, String> {
    let values: Vec<String> = get(schema, "enum")
        .and_then(Value::as_sequence)
        .map(|v| {
            v.iter()
                .filter(|x| !x.is_null())
                .filter_map(scalar)
                .collect()
        })
        .unwrap_or_default();
    if values.is_empty() {
        return Err(format!("{at}: an enum needs at least one value"));
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = values.iter().find(|v| !seen.insert(v.as_str())) {
        return Err(format!("{at}: enum value {twice:?} is listed twice"));
    }
    let given: Option<Vec<String>> = get(schema, "x-enum-varnames")
        .and_then(Value::as_sequence)
        .map(|v| v.iter().filter_map(scalar).collect());
    let variants = names::variants(&values, given.as_deref()).map_err(|e| format!("{at}: {e}"))?;
    Ok(EnumDef {
        values,
        variants,
        description: text(schema, "description"),
        default: get(schema, "default").and_then(scalar),
        in_response: false,
        in_request: false,
    })
}

fn rules(schema: &Value) -> Rules {
    let flag = |k: &str| get(schema, k).and_then(Value::as_bool) == Some(true);
    Rules {
        minimum: number(schema, "minimum"),
        maximum: number(schema, "maximum"),
        exclusive_minimum: flag("exclusiveMinimum"),
        exclusive_maximum: flag("exclusiveMaximum"),
        multiple_of: number(schema, "multipleOf"),
        min_length: count(schema, "minLength"),
        max_length: count(schema, "maxLength"),
        pattern: get(schema, "pattern")
            .and_then(Value::as_str)
            .map(str::to_string),
        min_items: count(schema, "minItems"),
        max_items: count(schema, "maxItems"),
        values: get(schema, "enum")
            .and_then(Value::as_sequence)
            .map(|v| v.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default(),
        nullable: flag("nullable"),
    }
}

fn nullable(ty: Ty, site: &Value) -> Ty {
    let _ = site;
    ty
}

/// A property's own description, or the one of the single schema it wraps.
fn property_description(site: &Value) -> String {
    let own = text(site, "description");
    if !own.is_empty() {
        return own;
    }
    String::new()
}

fn default_of(site: &Value) -> Option<String> {
    get(site, "default").and_then(scalar)
}

/// A `default` is the server's: kept in the model (for the docs), never in
/// the types (which would then send it when the caller did not).
fn strip_default(schema: &mut Value) {
    if let Some(m) = schema.as_mapping_mut() {
        m.remove("default");
        if let Some(Value::Sequence(list)) = m.get_mut("allOf") {
            for s in list {
                if let Some(m) = s.as_mapping_mut() {
                    m.remove("default");
                }
            }
        }
    }
}

/// Marks each enum reachable from a request or an answer.
fn mark_enums(model: &mut Model) {
    let mut request = BTreeSet::new();
    let mut response = BTreeSet::new();
    for op in &model.ops {
        for p in &op.params {
            reach(&model.schemas, &p.ty, &mut request);
        }
        if let Some(b) = &op.body {
            reach(&model.schemas, &b.ty, &mut request);
        }
        if let Some(t) = &op.output {
            reach(&model.schemas, t, &mut response);
        }
        // What Plivo sends to a webhook is like an answer: it may carry values
        // the spec does not list yet.
        for cb in &op.callbacks {
            reach(&model.schemas, &cb.ty, &mut response);
        }
    }
    for (name, named) in &mut model.schemas {
        if let Named::Enum(e) = named {
            e.in_request = request.contains(name);
            e.in_response = response.contains(name);
        }
    }
}

fn reach(schemas: &BTreeMap<String, Named>, ty: &Ty, seen: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(n) => {
            if !seen.insert(n.clone()) {
                return;
            }
            match schemas.get(n) {
                Some(Named::Object { props, .. }) => {
                    for p in props {
                        reach(schemas, &p.ty, seen);
                    }
                }
                Some(Named::Alias(t)) => reach(schemas, t, seen),
                _ => {}
            }
        }
        Ty::Array(t, _) | Ty::Map(t) => reach(schemas, t, seen),
        _ => {}
    }
}

/// Rust names of properties: in the order of their wire names (typify's
/// field order), each `snake(wire)` or, on a clash, the next free `_N`.
fn name_props(model: &mut Model) {
    for named in model.schemas.values_mut() {
        if let Named::Object { props, .. } = named {
            props.sort_by(|a, b| a.wire.cmp(&b.wire));
            let mut taken = Taken::default();
            for p in props.iter_mut() {
                p.rust = taken.take(&names::snake(&p.wire), "_");
            }
        }
    }
}

/// Operations progenitor's own client cannot take: two parameters that
/// progenitor names alike (it has no rule for clashes), or a parameter it
/// would name `body` next to the body.
fn excluded(model: &Model) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for op in &model.ops {
        let mut seen = BTreeSet::new();
        if op.body.is_some() {
            seen.insert("body".to_string());
        }
        for p in &op.params {
            if !seen.insert(names::snake(&p.wire)) {
                out.push((
                    op.id.clone(),
                    format!(
                        "parameter {} would share its Rust name {} with another in progenitor's client",
                        p.wire,
                        names::snake(&p.wire)
                    ),
                ));
                break;
            }
        }
    }
    out
}
