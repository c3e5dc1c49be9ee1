//! The JSON Schema each public type reports (schemars 1, re-exported as
//! `plivo_phlo::schemars`) keeps what the spec says of it: the pattern and
//! length limit of `Id`, `AuthId` and `Address`, enum values, properties,
//! which are required, and a description for every property.

use std::collections::BTreeSet;

use plivo_phlo::{schemars, types};
use serde_json::Value;

fn spec() -> Value {
    let yaml: serde_norway::Value =
        serde_norway::from_str(include_str!("../../spec/phlo.yaml")).unwrap();
    serde_json::to_value(yaml).unwrap()
}

macro_rules! schemas {
    ($($name:ident),* $(,)?) => {
        vec![$((stringify!($name), serde_json::to_value(schemars::schema_for!(types::$name)).unwrap())),*]
    };
}

/// Follows a `$ref` (or a one-item `allOf`) inside `root`.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return resolve(root, &root["$defs"][name]);
    }
    if let Some([only]) = schema["allOf"].as_array().map(Vec::as_slice) {
        return resolve(root, only);
    }
    // An optional field: `T` or null.
    if let Some(list) = schema["anyOf"].as_array()
        && let [one] = list
            .iter()
            .filter(|s| s["type"] != "null")
            .collect::<Vec<_>>()
            .as_slice()
    {
        return resolve(root, one);
    }
    schema
}

/// The values an enum schema allows, however schemars spells them.
fn values(schema: &Value) -> BTreeSet<String> {
    let listed = schema["enum"].as_array().into_iter().flatten();
    let constants = schema["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|v| {
            v["const"]
                .as_str()
                .map(Value::from)
                .into_iter()
                .chain(v["enum"].as_array().into_iter().flatten().cloned())
        });
    listed
        .cloned()
        .chain(constants)
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// An enum schema's values: listed, or, for a forward-compatible enum (a
/// callback's or an answer's, with `Other`: any string), the known values
/// its description names.
fn enum_values(schema: &Value) -> BTreeSet<String> {
    let description = schema["description"].as_str().unwrap_or_default();
    match description.split_once(" Known values: ") {
        Some((_, known)) if schema["type"] == "string" => {
            known.split_whitespace().map(String::from).collect()
        }
        _ => values(schema),
    }
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

#[test]
fn every_public_type_reports_the_spec_schema() {
    let spec = spec();
    let components = spec["components"]["schemas"].as_object().unwrap();
    let ours = schemas![
        Id,
        AuthId,
        Address,
        Role,
        MultiPartyCallAction,
        MultiPartyCallRequest,
        MultiPartyCallEventName,
        MultiPartyCallEvent,
        MemberAction,
        MemberRequest,
        ConferenceBridgeMemberAction,
        ConferenceBridgeMemberRequest,
        RunPhloRequest,
        ActionResponse,
        RunPhloResponse,
        Phlo,
        PhloRun,
        Node,
        ApiError,
    ];
    let listed: BTreeSet<&str> = ours.iter().map(|(n, _)| *n).collect();
    let in_spec: BTreeSet<&str> = components.keys().map(String::as_str).collect();
    assert_eq!(listed, in_spec, "list every spec schema here");

    // (patterns, enums, properties) compared: the test is not vacuous.
    let mut checked = (0, 0, 0);
    for (name, root) in &ours {
        let want = &components[*name];
        let got = resolve(root, root);
        if let Some(pattern) = want["pattern"].as_str() {
            assert_eq!(got["pattern"].as_str(), Some(pattern), "{name}: pattern");
            assert_eq!(got["type"], "string", "{name}");
            assert_eq!(got["maxLength"], want["maxLength"], "{name}: maxLength");
            assert!(
                got["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{name}: description"
            );
            checked.0 += 1;
        }
        if want["enum"].is_array() {
            assert_eq!(
                enum_values(got),
                strings(&want["enum"]),
                "{name}: enum values"
            );
            checked.1 += 1;
        }
        if let Some(properties) = want["properties"].as_object() {
            let got_props = got["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{name}: {got}"));
            let names =
                |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<BTreeSet<_>>();
            assert_eq!(names(got_props), names(properties), "{name}: properties");
            assert_eq!(
                strings(&got["required"]),
                strings(&want["required"]),
                "{name}: required"
            );
            for (prop, schema) in got_props {
                checked.2 += 1;
                let described = schema["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty());
                assert!(described, "{name}.{prop} has no description: {schema}");
                // A property typed by a checked schema keeps its rule.
                let target = resolve(root, schema);
                if let Some(spec_ref) = properties[prop]["allOf"][0]["$ref"]
                    .as_str()
                    .or(properties[prop]["$ref"].as_str())
                {
                    let referenced = &components[spec_ref.rsplit('/').next().unwrap()];
                    if let Some(pattern) = referenced["pattern"].as_str() {
                        assert_eq!(
                            target["pattern"].as_str(),
                            Some(pattern),
                            "{name}.{prop}: pattern"
                        );
                    }
                    if referenced["enum"].is_array() {
                        assert_eq!(
                            enum_values(target),
                            strings(&referenced["enum"]),
                            "{name}.{prop}: enum"
                        );
                    }
                }
            }
        }
    }
    let count = |f: &dyn Fn(&Value) -> usize| components.values().map(f).sum::<usize>();
    let expected = (
        count(&|s| usize::from(s["pattern"].is_string())),
        count(&|s| usize::from(s["enum"].is_array())),
        count(&|s| s["properties"].as_object().map_or(0, |p| p.len())),
    );
    assert_eq!(checked, expected, "(patterns, enums, properties) compared");
}

#[test]
fn every_property_in_the_spec_is_described() {
    let spec = spec();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{name}"
        );
        for (prop, property) in schema["properties"].as_object().into_iter().flatten() {
            assert!(
                property["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{name}.{prop} has no description in the spec"
            );
        }
    }
}
