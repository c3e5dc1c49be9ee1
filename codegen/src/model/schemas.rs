//! Schemas: each named one walked as a root, each site's type, what is
//! hoisted into a named schema (what typify would name), the rules a
//! schema states, and a made-up answer for an operation without an example.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::{Mapping, Value};

use super::{
    Builder, DATE, DATE_TIME, EnumDef, HAND_WRITTEN, IntFormat, Named, Prop, Rules, Ty, names,
    yaml::{count, examples, get, key, number, ref_name, scalar, text},
};

impl Builder {
    pub(super) fn components_mut(&mut self) -> &mut Mapping {
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
    pub(super) fn components(&mut self) -> Result<(), String> {
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
            let mut schema = self.components_mut().remove(key(&name)).unwrap_or_default();
            if take_nullable(&mut schema) {
                self.nullable.insert(name.clone());
            }
            self.pending.push((name, schema));
        }
        self.drain()
    }

    /// Walks the schemas waiting to be named (the spec's, then hoisted ones).
    pub(super) fn drain(&mut self) -> Result<(), String> {
        while let Some((name, mut schema)) = self.pending.pop() {
            let named = self.root(&name, &mut schema)?;
            self.components_mut().insert(key(&name), schema);
            self.schemas.insert(names::pascal(&name), named);
        }
        Ok(())
    }

    pub(super) fn root(&mut self, name: &str, schema: &mut Value) -> Result<Named, String> {
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
                let description = text(site, "description");
                let default = default_of(&*site);
                let examples = site_examples(site);
                let hint = format!("{rust}{}", names::pascal(&prop));
                let ty = self.ty(site, &hint, &format!("{at}, property {prop}"), false)?;
                props.push(Prop {
                    required: required.contains(&prop),
                    wire: prop,
                    rust: String::new(),
                    ty,
                    description,
                    default,
                    examples,
                });
            }
            return Ok(Named::Object { props, free_form });
        }
        let ty = self.ty(schema, &rust, &at, true)?;
        Ok(Named::Alias(ty))
    }

    /// The type of the schema at a site, hoisting what typify would name;
    /// `nullable` at a site (or on the component it refers to) is
    /// [`Ty::Nullable`], and stays on the site for typify (`Option<T>`).
    pub(super) fn ty(
        &mut self,
        schema: &mut Value,
        hint: &str,
        at: &str,
        root: bool,
    ) -> Result<Ty, String> {
        let nullable = !root && get(schema, "nullable").and_then(Value::as_bool) == Some(true);
        let ty = self.site_ty(schema, hint, at, root)?;
        Ok(if nullable { ty.into_nullable() } else { ty })
    }

    fn site_ty(
        &mut self,
        schema: &mut Value,
        hint: &str,
        at: &str,
        root: bool,
    ) -> Result<Ty, String> {
        if let Some(name) = ref_name(schema, "schemas") {
            let name = name.map_err(|e| format!("{at}: {e}"))?.to_string();
            let ty = Ty::Named(names::pascal(&name));
            if !root && self.nullable.contains(&name) {
                // A nullable component: nullable here, as OpenAPI 3.0 means.
                let reference = std::mem::take(schema);
                *schema = Value::Mapping(Mapping::from_iter([
                    (key("allOf"), Value::Sequence(vec![reference])),
                    (key("nullable"), Value::Bool(true)),
                ]));
                return Ok(ty.into_nullable());
            }
            return Ok(ty);
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
                if let Ty::Nullable(_) = ty {
                    // `only` was wrapped: the flag goes on this site.
                    if let Some(inner) = get(&only, "allOf")
                        .and_then(Value::as_sequence)
                        .and_then(|s| s.first())
                    {
                        only = inner.clone();
                    }
                    if let Some(m) = schema.as_mapping_mut() {
                        m.insert(key("nullable"), Value::Bool(true));
                    }
                }
                if let Some(seq) = schema
                    .as_mapping_mut()
                    .and_then(|m| m.get_mut("allOf"))
                    .and_then(Value::as_sequence_mut)
                {
                    seq[0] = only;
                }
                return Ok(ty);
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
        drop_zero_minimums(schema);
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
    pub(super) fn hoist(&mut self, schema: &mut Value, hint: &str) -> Ty {
        // The name typify will give the component: PascalCase of the hint
        // (`Op` + `Self_` is `OpSelf`, `Op` + `AB` is `OpAb`).
        let name = self.taken.take(&names::pascal(hint), "");
        let mut moved = std::mem::take(schema);
        let mut site = Mapping::new();
        let reference = Value::Mapping(Mapping::from_iter([(
            key("$ref"),
            key(&format!("#/components/schemas/{name}")),
        )]));
        let description = moved.as_mapping_mut().and_then(|m| m.remove("description"));
        let is_nullable = take_nullable(&mut moved);
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
        Ty::Named(name)
    }

    /// `format: date-time` / `date`: the crate's own type, by reference.
    pub(super) fn format_ref(&mut self, schema: &mut Value, target: &str) -> Ty {
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
                "type: string\ndescription: The crate's {target} type (src/values/dates.rs).\n"
            ))
            .expect("a literal");
            self.components_mut().insert(key(target), placeholder);
            self.schemas.insert(target.to_string(), Named::Format);
        }
        Ty::Named(target.to_string())
    }
}

fn is_string_enum(schema: &Value) -> bool {
    let kind = get(schema, "type").and_then(Value::as_str);
    let values = get(schema, "enum").and_then(Value::as_sequence);
    kind == Some("string")
        || (kind.is_none()
            && values.is_some_and(|v| v.iter().all(|x| x.is_string() || x.is_null())))
}

pub(super) fn is_object_with_properties(schema: &Value) -> bool {
    let kind = get(schema, "type").and_then(Value::as_str);
    matches!(kind, Some("object") | None)
        && get(schema, "properties")
            .and_then(Value::as_mapping)
            .is_some_and(|p| !p.is_empty())
}

pub(super) fn enum_def(at: &str, schema: &Value) -> Result<EnumDef, String> {
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

pub(super) fn rules(schema: &Value) -> Rules {
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
        format: get(schema, "format")
            .and_then(Value::as_str)
            .filter(|f| CHECKED_FORMATS.contains(f))
            .map(str::to_string),
    }
}

/// The string formats checked before I/O besides uuid and the dates, which
/// are types (`rules::format`). Any other `format` is documentation.
pub(super) const CHECKED_FORMATS: [&str; 2] = ["uri", "email"];

/// `minLength: 0` and `minItems: 0` state no rule: they leave the
/// document (typify would write a comparison that is always false).
fn drop_zero_minimums(schema: &mut Value) {
    if let Some(m) = schema.as_mapping_mut() {
        for k in ["minLength", "minItems"] {
            if m.get(k).and_then(Value::as_u64) == Some(0) {
                m.remove(k);
            }
        }
    }
}

/// A parameter's, a body's or an answer's own type is never nullable (a
/// parameter is sent as a value, a body is an object): the flag leaves the
/// site, and for a parameter its array's items too.
pub(super) fn not_null(ty: Ty, site: &mut Value, items: bool) -> Ty {
    take_nullable(site);
    let ty = match ty {
        Ty::Nullable(t) => *t,
        t => t,
    };
    match ty {
        Ty::Array(item, rules) if items => {
            // The model keeps the item counts (the guarded layer checks
            // them); progenitor's client would make `[T; N]` of
            // `minItems == maxItems`, which its httpmock helpers cannot write.
            if let Some(m) = site.as_mapping_mut() {
                m.remove("minItems");
                m.remove("maxItems");
            }
            if let Some(site) = site.as_mapping_mut().and_then(|m| m.get_mut("items")) {
                take_nullable(site);
            }
            let item = match *item {
                Ty::Nullable(t) => t,
                t => Box::new(t),
            };
            Ty::Array(item, rules)
        }
        t => t,
    }
}

/// Removes `nullable` from a schema; whether it was `true`.
fn take_nullable(schema: &mut Value) -> bool {
    schema
        .as_mapping_mut()
        .and_then(|m| m.remove("nullable"))
        .and_then(|n| n.as_bool())
        == Some(true)
}

/// The examples at a site (an array's: its items'), before hoisting moves
/// the schema away.
pub(super) fn site_examples(site: &Value) -> Vec<String> {
    let mut out = examples(site);
    if let Some(items) = get(site, "items") {
        out.extend(examples(items));
    }
    out
}

pub(super) fn default_of(site: &Value) -> Option<String> {
    get(site, "default").and_then(scalar)
}

/// A `default` is the server's: kept in the model (for the docs), never in
/// the types (which would then send it when the caller did not).
pub(super) fn strip_default(schema: &mut Value) {
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
