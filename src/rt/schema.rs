//! The JSON Schema of each type typify makes from the spec: the spec's own
//! schema, converted to JSON Schema by the build (codegen/src/json_schema_impls.rs),
//! with each reference to another of the spec's schemas replaced by what the
//! generator gives for that type (a `$ref` into `$defs`, or the schema inline).
//! One string and a list of references per type, where a derive would write
//! a builder call per property.

use schemars::{Schema, SchemaGenerator};
use serde_json::Value;

/// The prefix of a reference to one of the spec's schemas, as the build
/// leaves it in the text.
const SPEC_REF: &str = "#/components/schemas/";

/// How the generator makes one type's schema (`SchemaGenerator::subschema_for::<T>`).
pub(crate) type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

/// A reference to another schema: its name in the spec and its schema.
pub(crate) type Referenced = (&'static str, SchemaOf);

/// The schema of a generated type: `text` (JSON, written by the build) with
/// every `{"$ref": "#/components/schemas/<name>"}` replaced by the
/// generator's schema of `<name>`'s type.
pub(crate) fn from_spec(
    generator: &mut SchemaGenerator,
    text: &'static str,
    refs: &[Referenced],
) -> Schema {
    let mut value: Value = serde_json::from_str(text).expect("the build wrote JSON");
    replace(&mut value, generator, refs);
    Schema::try_from(value).expect("the build wrote an object")
}

fn replace(value: &mut Value, generator: &mut SchemaGenerator, refs: &[Referenced]) {
    match value {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SPEC_REF))
                .and_then(|name| refs.iter().find(|(n, _)| *n == name));
            if let Some((_, schema_of)) = target {
                let sub = schema_of(generator).to_value();
                map.remove("$ref");
                if map.is_empty() {
                    *value = sub;
                } else {
                    // Keywords beside the reference (a description) stay.
                    map.insert("allOf".into(), Value::Array(vec![sub]));
                }
                return;
            }
            for v in map.values_mut() {
                replace(v, generator, refs);
            }
        }
        Value::Array(items) => {
            for v in items {
                replace(v, generator, refs);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Inner;
    impl schemars::JsonSchema for Inner {
        fn schema_name() -> std::borrow::Cow<'static, str> {
            "Inner".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schemars::json_schema!({"type": "integer"})
        }
    }

    #[test]
    fn references_become_the_generators_schemas() {
        let mut generator = SchemaGenerator::default();
        let schema = from_spec(
            &mut generator,
            r##"{"type":"object","properties":{"a":{"$ref":"#/components/schemas/Inner"},"b":{"$ref":"#/components/schemas/Inner","description":"B."},"c":{"$ref":"#/components/schemas/Unknown"}}}"##,
            &[("Inner", SchemaGenerator::subschema_for::<Inner> as SchemaOf)],
        );
        let value = schema.to_value();
        assert_eq!(
            value["properties"]["a"],
            serde_json::json!({"$ref": "#/$defs/Inner"})
        );
        assert_eq!(
            value["properties"]["b"],
            serde_json::json!({"description": "B.", "allOf": [{"$ref": "#/$defs/Inner"}]})
        );
        assert_eq!(
            value["properties"]["c"]["$ref"], "#/components/schemas/Unknown",
            "a name not listed is left as it is"
        );
        assert!(generator.definitions().contains_key("Inner"));
    }
}
