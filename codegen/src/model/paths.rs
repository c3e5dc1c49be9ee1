//! Operations: servers, path templates, parameters and request bodies,
//! each resolved through `$ref`s and refused by name where the generator
//! cannot take it (answers and callbacks: answers.rs).

use std::collections::BTreeSet;

use serde_norway::Value;

use super::{
    Builder, Location, METHODS, Named, Op, Param, RequestBody, Segment, Taken, Ty, names,
    schemas::{default_of, not_null, site_examples},
    yaml::{examples, get, key, media_example, ref_name, text},
};

impl Builder {
    pub(super) fn operations(&mut self) -> Result<(Vec<String>, Vec<Op>), String> {
        let mut servers = vec![
            server_of(&self.doc, "the document")?
                .unwrap_or_else(|| "https://phlorunner.plivo.com/v1".to_string()),
        ];
        let mut ops = Vec::new();
        let mut ids = BTreeSet::new();
        let mut rusts = std::collections::BTreeMap::new();
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
            let segments = segments(&path)?;
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
                if !ids.insert(id.clone()) {
                    return Err(format!("operationId {id} is used twice"));
                }
                // The Rust method: the operationId in snake case, as
                // progenitor names its own.
                let rust = names::snake(&id);
                if let Some(other) = rusts.insert(rust.clone(), id.clone()) {
                    return Err(format!(
                        "operationIds {other} and {id} both become the Rust method {rust}; rename one"
                    ));
                }
                // The CLI groups subcommands by tag; an untagged operation is
                // in `default`, as OpenAPI tools put it.
                // Each tag is also a Cargo feature (tags.rs): the operation
                // is compiled when any of its tags is on; an untagged one
                // always is.
                let mut tags = Vec::new();
                for t in get(op, "tags")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let t = t.as_str().ok_or_else(|| {
                        format!("operation {id}: each of its `tags` must be a string")
                    })?;
                    if !tags.iter().any(|x| x == t) {
                        tags.push(t.to_string());
                    }
                }
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
                let built = self.operation(&id, &path, &segments, method, &item, server, tags)?;
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

    #[allow(
        clippy::too_many_arguments,
        reason = "where the operation sits: each argument a different fact of its path item"
    )]
    pub(super) fn operation(
        &mut self,
        id: &str,
        path: &str,
        segments: &[Segment],
        method: &str,
        item: &Value,
        server: usize,
        tags: Vec<String>,
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
        let mut in_template: BTreeSet<String> = template_names(segments).into_iter().collect();
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
            let mut examples = examples(&p);
            if let Some(schema) = get(&p, "schema") {
                examples.extend(site_examples(schema));
            }
            let Some(schema) = p.as_mapping_mut().and_then(|m| m.get_mut("schema")) else {
                return Err(format!("{at}: parameter {wire} has no schema"));
            };
            let description = if description.is_empty() {
                text(schema, "description")
            } else {
                description
            };
            // Before hoisting names it: an inline object is not a value.
            if super::schemas::is_object_with_properties(schema) {
                return Err(format!(
                    "{at}: parameter {wire} is an object; parameters are scalar values (send objects in the JSON body)"
                ));
            }
            let hint = format!("{op_pascal}{}", names::pascal(&wire));
            let ty = self.ty(schema, &hint, &format!("{at}, parameter {wire}"), false)?;
            let ty = self.param_type(not_null(ty, schema, true), &at, &wire, location)?;
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
                examples,
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
        let (output, example, status) = self.responses(path, method, &at, &op_pascal)?;
        let callbacks = self.callbacks(path, method, &at)?;
        Ok(Op {
            id: id.to_string(),
            rust: names::snake(id),
            method: method.to_uppercase(),
            path: path.to_string(),
            segments: segments.to_vec(),
            server,
            tag: tags
                .first()
                .cloned()
                .unwrap_or_else(|| "default".to_string()),
            tags,
            summary: text(&op_value, "summary"),
            description: text(&op_value, "description"),
            params,
            body,
            output,
            status,
            example,
            request_example,
            callbacks,
        })
    }

    /// What a parameter can be: one value, or (in the query) an array of them.
    pub(super) fn param_type(
        &self,
        ty: Ty,
        at: &str,
        wire: &str,
        location: Location,
    ) -> Result<Ty, String> {
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

    pub(super) fn request_body(
        &mut self,
        body: &mut Value,
        at: &str,
        op_pascal: &str,
    ) -> Result<(RequestBody, String), String> {
        let required = get(body, "required").and_then(Value::as_bool) == Some(true);
        let description = text(body, "description");
        if let Some(other) = not_json(body) {
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
        let ty = not_null(ty, schema, false);
        let description = if description.is_empty() {
            text(schema, "description")
        } else {
            description
        };
        Ok((
            RequestBody {
                ty,
                required,
                description,
            },
            example.unwrap_or_else(|| "null".into()),
        ))
    }

    pub(super) fn resolve(&self, v: &Value, kind: &str, at: &str) -> Result<Value, String> {
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

    pub(super) fn write_op(&mut self, path: &str, method: &str, edit: impl FnOnce(&mut Value)) {
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

/// The first media type of a body or an answer that is not JSON.
pub(super) fn not_json(v: &Value) -> Option<String> {
    get(v, "content")?
        .as_mapping()?
        .keys()
        .filter_map(Value::as_str)
        .find(|k| *k != "application/json")
        .map(str::to_string)
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

/// The path template, parsed once: every later step reads these.
pub(super) fn segments(path: &str) -> Result<Vec<Segment>, String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("path {path}: must start with '/'"));
    };
    let mut out = Vec::new();
    for segment in rest.split('/') {
        if segment.contains('{') || segment.contains('}') {
            let Some((prefix, name, suffix)) = placeholder(segment) else {
                return Err(format!(
                    "path {path}: segment {segment:?}; a segment holds one placeholder, `{{name}}`, with at most a literal prefix and suffix (`name_{{mpc_name}}`): split it, or make one parameter of the whole segment"
                ));
            };
            let literal_ok = |s: &str| {
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
            };
            if !(literal_ok(prefix) && literal_ok(suffix)) {
                return Err(format!(
                    "path {path}: segment {segment:?}: the text around {{{name}}} must be letters, digits and -._~"
                ));
            }
            out.push(Segment::Placeholder {
                prefix: prefix.to_string(),
                name: name.to_string(),
                suffix: suffix.to_string(),
            });
        } else if segment == "." || segment == ".." || segment.contains(['?', '#', '%', '\\']) {
            return Err(format!(
                "path {path}: segment {segment:?} would change the route"
            ));
        } else {
            out.push(Segment::Literal(segment.to_string()));
        }
    }
    Ok(out)
}

/// `prefix{name}suffix`: one placeholder with a name of letters, digits,
/// `_` and `-`, and no other brace.
fn placeholder(segment: &str) -> Option<(&str, &str, &str)> {
    let (prefix, rest) = segment.split_once('{')?;
    let (name, suffix) = rest.split_once('}')?;
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let no_more = ![prefix, suffix].iter().any(|s| s.contains(['{', '}']));
    (name_ok && no_more).then_some((prefix, name, suffix))
}

pub(super) fn template_names(segments: &[Segment]) -> Vec<String> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Placeholder { name, .. } => Some(name.clone()),
            Segment::Literal(_) => None,
        })
        .collect()
}
