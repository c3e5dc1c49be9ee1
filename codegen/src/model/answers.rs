//! What comes back: an operation's answers (one type per side, examples,
//! an answer made up from the schema when the spec gives none) and its
//! callbacks (what Plivo sends to the customer's server).

use serde_norway::{Mapping, Value};

use super::{
    Builder, Callback, METHODS, Ty, names,
    paths::not_json,
    schemas::not_null,
    yaml::{get, key, media_example, scalar, text},
};

impl Builder {
    pub(super) fn responses(
        &mut self,
        path: &str,
        method: &str,
        at: &str,
        op_pascal: &str,
    ) -> Result<(Option<Ty>, String, u16), String> {
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
        let mut codes = Vec::new();
        for (code, response) in responses {
            let code = scalar(&code).unwrap_or_default();
            if code == "default" {
                return Err(format!(
                    "{at}: `default` responses are not supported; declare 4XX and 5XX"
                ));
            }
            let mut response = self.resolve(&response, "responses", at)?;
            let ok = code.starts_with('2');
            if ok {
                codes.push(code.clone());
            }
            if let Some(other) = not_json(&response) {
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
                        Some(schema) => {
                            let ty =
                                self.ty(schema, &hint, &format!("{at}, response {code}"), false)?;
                            Some(not_null(ty, schema, false))
                        }
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
        let Some((code, output)) = success else {
            return Err(format!("{at}: it has no 2xx response"));
        };
        // What the mock answers: 201 for a POST that lists it (PHLO answers
        // its POSTs 201), else the first 2xx the spec lists (`2XX`: 200).
        let status = if method == "post" && codes.iter().any(|c| c == "201") {
            201
        } else {
            code.parse::<u16>().unwrap_or(200)
        };
        let example = match (&output, example) {
            (_, Some(e)) => e,
            (None, None) => "null".into(),
            // Made up once every schema is named (hoisted ones too): build().
            (Some(_), None) => String::new(),
        };
        Ok((output, example, status))
    }

    /// The operation's `callbacks`: each request Plivo sends back, with its
    /// body's type. They leave the document progenitor sees (it would make
    /// nothing of them).
    pub(super) fn callbacks(
        &mut self,
        path: &str,
        method: &str,
        at: &str,
    ) -> Result<Vec<Callback>, String> {
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
                        let this = not_null(this, schema, false);
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
}
