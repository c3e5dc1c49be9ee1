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

mod answers;
mod paths;
mod schemas;
mod synth;
mod yaml;

use serde_norway::Value;

use super::names::{self, Taken};
use yaml::text_at;

/// The schemas the crate implements by hand (src/values/address.rs, src/values/ids.rs).
pub const HAND_WRITTEN: [&str; 3] = ["Address", "Id", "AuthId"];
/// The crate's own types for `format: date-time` and `format: date`
/// (src/values/dates.rs): reserved schema names.
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
    /// The operationId, as the spec writes it.
    pub id: String,
    /// Its Rust method name (snake case).
    pub rust: String,
    pub method: String,
    pub path: String,
    /// The path template, parsed (and checked) once.
    pub segments: Vec<Segment>,
    pub server: usize,
    /// The first tag (`default` for none): how the CLI groups it.
    pub tag: String,
    /// Every tag, in the spec's order; each is a Cargo feature (tags.rs).
    pub tags: Vec<String>,
    pub summary: String,
    pub description: String,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    /// The success answer's type; `None` for an answer without a body.
    pub output: Option<Ty>,
    /// The success status the mock answers: 201 for a POST that lists it,
    /// else the first 2xx the spec lists (`2XX` is 200).
    pub status: u16,
    /// The success example (or one made from the schema), as JSON text.
    pub example: String,
    /// The request body's example, as JSON text (`null` for none).
    pub request_example: String,
    /// What Plivo sends back to the customer's server (OpenAPI `callbacks`).
    pub callbacks: Vec<Callback>,
}

/// One `/`-separated segment of a path template.
#[derive(Clone, Debug)]
pub enum Segment {
    Literal(String),
    /// `prefix{name}suffix`: one placeholder, perhaps inside its segment.
    Placeholder {
        prefix: String,
        name: String,
        suffix: String,
    },
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
    /// The spec's examples of a value (for an array, of its items).
    pub examples: Vec<String>,
}

pub struct RequestBody {
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
    /// The spec's examples of a value (for an array, of its items).
    pub examples: Vec<String>,
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
    /// `nullable: true` at a field, item or value site: `Option<T>` in
    /// Rust, its rules checked when a value is present. Never a parameter's
    /// or a body's own type (the model unwraps those), never a named
    /// schema's (a nullable component is nullable at each of its sites).
    Nullable(Box<Ty>),
}

impl Ty {
    /// `self` as nullable (once).
    pub fn into_nullable(self) -> Ty {
        match self {
            t @ Ty::Nullable(_) => t,
            t => Ty::Nullable(Box::new(t)),
        }
    }

    /// The type without a `nullable` around it.
    pub fn plain(&self) -> &Ty {
        match self {
            Ty::Nullable(t) => t.plain(),
            t => t,
        }
    }
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
    /// A string `format` the crate checks (`uri`, `email`); uuid and the
    /// dates are types of their own.
    pub format: Option<String>,
}

impl Model {
    pub fn named(&self, name: &str) -> Option<&Named> {
        self.schemas.get(name)
    }
}

struct Builder {
    doc: Value,
    /// Component schemas the spec writes `nullable: true` on: the flag is
    /// moved to each site that refers to them.
    nullable: BTreeSet<String>,
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
        nullable: BTreeSet::new(),
        schemas: BTreeMap::new(),
        taken: Taken::default(),
        pending: Vec::new(),
    };
    b.components()?;
    let (servers, mut ops) = b.operations()?;
    b.drain()?;
    // An answer the spec gives no example for is made up now, when the
    // schemas hoisted from inline answers are named too.
    for op in &mut ops {
        if let (true, Some(ty)) = (op.example.is_empty(), &op.output) {
            let answer = b.synth(ty, &format!("operation {}: answer", op.id))?;
            op.example = yaml::json_value(&answer);
        }
    }
    let mut model = Model {
        servers,
        ops,
        schemas: b.schemas,
        doc: b.doc,
        excluded: Vec::new(),
    };
    inline_param_aliases(&mut model);
    mark_enums(&mut model);
    name_props(&mut model);
    model.excluded = excluded(&model);
    Ok(model)
}

/// A parameter whose schema names a number, boolean or array (typify's open
/// newtypes, `pub struct PageSize(pub i64)`) takes the plain type
/// (`Option<i64>`): its rules are checked on it like an inline schema's.
fn inline_param_aliases(model: &mut Model) {
    for op in &mut model.ops {
        for p in &mut op.params {
            for _ in 0..16 {
                let Ty::Named(n) = &p.ty else { break };
                match model.schemas.get(n) {
                    Some(Named::Alias(
                        t @ (Ty::Integer(..)
                        | Ty::Number(_)
                        | Ty::Boolean
                        | Ty::Array(..)
                        | Ty::Uuid),
                    )) => p.ty = t.clone(),
                    Some(Named::Alias(t @ Ty::Named(_))) => p.ty = t.clone(),
                    _ => break,
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
        Ty::Array(t, _) | Ty::Map(t) | Ty::Nullable(t) => reach(schemas, t, seen),
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

#[cfg(test)]
mod tests {
    /// The YAML parse refuses a duplicate key in every style (a struct
    /// would keep the last copy and drop the first without a word).
    #[test]
    fn a_duplicate_key_is_refused_in_every_style() {
        let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
        for (style, body) in [
            ("block", "paths:\n  /x:\n    get: {}\n  /x:\n    post: {}\n"),
            ("flow", "paths: {/x: {get: {}}, /x: {post: {}}}\n"),
            ("nested flow", "paths:\n  /x: {get: {}, get: {}}\n"),
            ("top level", "paths: {}\npaths: {}\n"),
        ] {
            let err = match super::build(&format!("{head}{body}")) {
                Err(e) => e,
                Ok(_) => panic!("{style}: a duplicate key was accepted"),
            };
            assert!(err.starts_with("not valid YAML: "), "{style}: {err}");
            assert!(err.contains("duplicate entry with key"), "{style}: {err}");
        }
    }
}
