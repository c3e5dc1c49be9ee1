//! `impl JsonSchema` for every type typify makes from the spec: the spec's
//! own schema (from the normalised document), converted from OpenAPI 3.0 to
//! JSON Schema here, and its references resolved by the crate at run time
//! (src/rt/schema.rs). This takes the place of typify's
//! `#[derive(JsonSchema)]`, which wrote a builder call per property (about
//! a fifth of the compiled generated code) and described the Rust type rather
//! than the spec.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{
    model::{Model, Named},
    names, rust,
};

/// OpenAPI 3.0 keywords with no JSON Schema meaning, left out.
const OPENAPI_ONLY: [&str; 4] = ["discriminator", "xml", "externalDocs", "deprecated"];

pub fn impls(model: &Model) -> Result<Vec<syn::Item>, String> {
    let components = model
        .doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(serde_norway::Value::as_mapping);
    let mut items = Vec::new();
    for (key, schema) in components.into_iter().flatten() {
        let Some(spec_name) = key.as_str() else {
            continue;
        };
        let rust_name = names::pascal(spec_name);
        // The crate's own types have their own impls.
        if !matches!(
            model.named(&rust_name),
            Some(Named::Object { .. } | Named::Alias(_))
        ) {
            continue;
        }
        let json = serde_json::to_value(schema)
            .map_err(|e| format!("schema {spec_name}: not JSON-representable: {e}"))?;
        let mut refs = BTreeSet::new();
        let converted = convert(json, &mut refs);
        let text = converted.to_string();
        let ty = rust::named_path(&rust_name);
        let names: Vec<&String> = refs.iter().collect();
        let paths = refs.iter().map(|r| rust::named_path(&names::pascal(r)));
        items.push(syn::parse_quote! {
            impl ::schemars::JsonSchema for #ty {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    #rust_name.into()
                }
                fn json_schema(g: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    crate::rt::from_spec(g, #text, &[#((#names, ::schemars::SchemaGenerator::subschema_for::<#paths> as crate::rt::SchemaOf)),*])
                }
            }
        });
    }
    Ok(items)
}

/// OpenAPI 3.0's schema object as JSON Schema (2020-12): `nullable` as a
/// `null` type (or an `anyOf` with one), a boolean `exclusiveMinimum` /
/// `exclusiveMaximum` as the bound itself, `example` as `examples`, and no
/// `x-` extensions; the names of the spec schemas it refers to are noted.
fn convert(value: Value, refs: &mut BTreeSet<String>) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let mut out = Map::new();
    let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
    let exclusive = |k: &str| map.get(k).and_then(Value::as_bool) == Some(true);
    let (ex_min, ex_max) = (exclusive("exclusiveMinimum"), exclusive("exclusiveMaximum"));
    for (k, v) in map.clone() {
        match k.as_str() {
            "nullable" | "exclusiveMinimum" | "exclusiveMaximum" => {}
            k if k.starts_with("x-") || OPENAPI_ONLY.contains(&k) => {}
            "minimum" if ex_min => {
                out.insert("exclusiveMinimum".into(), v);
            }
            "maximum" if ex_max => {
                out.insert("exclusiveMaximum".into(), v);
            }
            "example" => {
                out.insert("examples".into(), Value::Array(vec![v]));
            }
            "$ref" => {
                if let Some(name) = v
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    refs.insert(name.to_string());
                }
                out.insert(k, v);
            }
            // Maps of schemas: each value is one.
            "properties" => {
                let Value::Object(props) = v else {
                    out.insert(k, v);
                    continue;
                };
                let props = props
                    .into_iter()
                    .map(|(p, s)| (p, convert(s, refs)))
                    .collect();
                out.insert(k, Value::Object(props));
            }
            // Keywords holding a schema or a list of them.
            "items" | "additionalProperties" | "not" | "allOf" | "anyOf" | "oneOf" => {
                let v = match v {
                    Value::Array(list) => {
                        Value::Array(list.into_iter().map(|s| convert(s, refs)).collect())
                    }
                    other => convert(other, refs),
                };
                out.insert(k, v);
            }
            _ => {
                out.insert(k, v);
            }
        }
    }
    if !nullable {
        return Value::Object(out);
    }
    match out.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            out.insert("type".into(), Value::Array(vec![t.into(), "null".into()]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(out)
        }
        _ => {
            // A reference or a combination: it, or null. Its description stays outside.
            let description = out.remove("description");
            let mut wrapper = Map::new();
            if let Some(d) = description {
                wrapper.insert("description".into(), d);
            }
            wrapper.insert(
                "anyOf".into(),
                Value::Array(vec![
                    Value::Object(out),
                    serde_json::json!({"type": "null"}),
                ]),
            );
            Value::Object(wrapper)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::convert;

    #[test]
    fn openapi_becomes_json_schema() {
        let mut refs = Default::default();
        let got = convert(
            json!({
                "type": "object",
                "x-internal": true,
                "properties": {
                    "a": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "nullable": true},
                    "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true, "description": "B."},
                    "c": {"type": "array", "items": {"$ref": "#/components/schemas/C"}, "example": ["x"]},
                    "d": {"type": "integer", "maximum": 9, "exclusiveMaximum": false}
                }
            }),
            &mut refs,
        );
        assert_eq!(
            got,
            json!({
                "type": "object",
                "properties": {
                    "a": {"type": ["integer", "null"], "exclusiveMinimum": 0},
                    "b": {"description": "B.", "anyOf": [{"allOf": [{"$ref": "#/components/schemas/B"}]}, {"type": "null"}]},
                    "c": {"type": "array", "items": {"$ref": "#/components/schemas/C"}, "examples": [["x"]]},
                    "d": {"type": "integer", "maximum": 9}
                }
            })
        );
        assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["B", "C"]);
    }
}
