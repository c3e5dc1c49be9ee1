//! Every operation of the spec, driven from the spec alone: its request
//! built from `plivo_phlo::spec::OPERATIONS` (path and query values from
//! each parameter's schema and kind, the body from the spec's example),
//! sent by operationId through `operations().prepare(..).send_checked()`
//! against `MockPhlo`, and checked on both sides: what MockPhlo recorded
//! (method, exact path, query, JSON body, the operation it was routed to)
//! and what came back (the spec's success example). An operation added to
//! the spec is covered the day it is added, and one that cannot be sent
//! this way fails here by name.
//!
//! Self-contained (no support module): `.ci/growth-drill` runs this file
//! alone on a copy of the crate with a grown spec.

use plivo_phlo::{
    mock::MockPhlo,
    spec::{Field, Kind, Location, OPERATIONS, Operation},
};
use serde_json::{Map, Value, json};

/// The address every `Address` parameter or body field gets.
const PHONE: &str = "+14152225555";

/// The values a path or query parameter can take, first choice first:
/// the mock's own ids and credentials for `Id` and `AuthId`, a phone
/// number for `Address`, an enum's first value, the spec's default, and
/// otherwise candidates of its kind (numbers across the usual ranges; an
/// array gets one value of its items; strings try the formats the spec
/// model knows: plain, uuid, date-time, date).
fn candidates(field: &Field) -> Vec<String> {
    match field.schema {
        "Id" if field.name == "phlo_id" => return vec![MockPhlo::PHLO_ID.into()],
        "Id" => return vec![MockPhlo::NODE_ID.into()],
        "AuthId" => return vec![MockPhlo::AUTH_ID.into()],
        "Address" => return vec![PHONE.into()],
        _ => {}
    }
    if let Some(first) = field.values.first() {
        return vec![first.to_string()];
    }
    let default = field.default.map(String::from);
    let strings = [
        "drill",
        MockPhlo::PHLO_ID,
        "2020-06-03T10:48:43Z",
        "2020-06-03",
    ];
    let numbers = ["1", "2", "10", "60", "100", "1000", "0", "-1"];
    let kind: Vec<String> = match field.kind {
        Kind::Integer | Kind::Number => numbers.into_iter().map(String::from).collect(),
        Kind::Boolean => vec!["true".into()],
        // An array parameter's items: their kind is not in `Field`, so a
        // number first (a valid string too), then the strings.
        Kind::Array => std::iter::once("1")
            .chain(strings)
            .map(String::from)
            .collect(),
        _ => strings.into_iter().map(String::from).collect(),
    };
    default.into_iter().chain(kind).collect()
}

/// A JSON value for body field `field`, when the spec has no example body.
fn json_value(field: &Field) -> Value {
    let text = candidates(field).swap_remove(0);
    match field.kind {
        Kind::Integer | Kind::Number => json!(1),
        Kind::Boolean => json!(true),
        Kind::Array => json!([text]),
        Kind::Object => json!({}),
        _ => Value::String(text),
    }
}

/// The request body: the spec's example, or the required fields alone.
fn body(op: &Operation) -> Option<Value> {
    let body = op.body?;
    let example: Value = serde_json::from_str(body.example).expect("the example is JSON");
    if !example.is_null() {
        return Some(example);
    }
    let fields: Map<String, Value> = body
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| (f.name.to_string(), json_value(f)))
        .collect();
    Some(Value::Object(fields))
}

/// Every parameter with a value its rules accept: each starts at its first
/// candidate, and a parameter `prepare` refuses by name moves to its next;
/// an optional one that no candidate fits is left out. Fails naming the
/// operation and the parameter when no candidate fits a required one.
fn params(mock: &MockPhlo, op: &Operation, body: &Option<Value>) -> Vec<(&'static str, String)> {
    let client = mock.client();
    let mut chosen: Vec<(usize, &Field)> = op.params.iter().map(|p| (0, p)).collect();
    loop {
        let params: Vec<(&'static str, String)> = chosen
            .iter()
            .map(|(i, p)| (p.name, candidates(p)[*i].clone()))
            .collect();
        let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        match client.operations().prepare(op.id, &pairs, body.clone()) {
            Ok(_) => return params,
            Err(plivo_phlo::Error::InvalidInput {
                field,
                value,
                reason,
            }) => {
                let Some(at) = chosen.iter().position(|(_, p)| p.name == field) else {
                    panic!("{}: refused {field} = {value:?}: {reason}", op.id);
                };
                let (i, p) = &mut chosen[at];
                *i += 1;
                if *i == candidates(p).len() {
                    assert!(
                        !p.required,
                        "{}: no generated value fits parameter {field} (last {value:?}: {reason})",
                        op.id
                    );
                    chosen.remove(at);
                }
            }
            Err(other) => panic!("{}: cannot be prepared: {other:?}", op.id),
        }
    }
}

/// The spec's example answer as MockPhlo gives it: each path value in place
/// of the example's value of the same name, wherever that value appears in
/// a top-level string (`src/mock/routes.rs`, `example`); `api_id` fresh, so
/// taken out (and returned) to be compared on its own.
fn expected_answer(op: &Operation, path_values: &[(&str, String)]) -> (Value, bool) {
    let mut value: Value = serde_json::from_str(op.example).expect("the example is JSON");
    let Value::Object(map) = &mut value else {
        return (value, false);
    };
    let replacements: Vec<(String, String)> = path_values
        .iter()
        .filter_map(|(name, new)| {
            let old = map.get(*name)?.as_str()?.to_string();
            (!old.is_empty()).then(|| (old, new.clone()))
        })
        .collect();
    for field in map.values_mut() {
        if let Value::String(text) = field {
            for (old, new) in &replacements {
                *text = text.replace(old.as_str(), new);
            }
        }
    }
    let had_api_id = map.remove("api_id").is_some();
    (value, had_api_id)
}

/// The path template with each path parameter's value in its place.
fn filled(op: &Operation, params: &[(&str, String)]) -> String {
    params
        .iter()
        .fold(op.path.to_string(), |path, (name, value)| {
            path.replace(&format!("{{{name}}}"), value)
        })
}

#[tokio::test]
async fn every_spec_operation_is_sent_by_id_and_answered_from_its_example() {
    assert!(!OPERATIONS.is_empty());
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    for op in OPERATIONS {
        mock.reset();
        let body = body(op);
        let params = params(&mock, op, &body);
        let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let answer = client
            .operations()
            .prepare(op.id, &pairs, body.clone())
            .unwrap_or_else(|e| panic!("{}: cannot be prepared: {e:?}", op.id))
            .send_checked()
            .await
            .unwrap_or_else(|e| panic!("{}: failed against MockPhlo: {e:?}", op.id));

        // What went on the wire.
        let requests = mock.requests();
        assert_eq!(requests.len(), 1, "{}: {requests:?}", op.id);
        let sent = &requests[0];
        assert_eq!(sent.method.as_str(), op.method, "{}", op.id);
        assert_eq!(sent.call.operation_id(), Some(op.id), "{}", op.id);
        assert_eq!(
            sent.status.map(|s| s.as_u16()),
            Some(op.status),
            "{}: the spec's success status",
            op.id
        );
        let (path, query) = sent.path.split_once('?').unwrap_or((&sent.path, ""));
        let in_path: Vec<_> = params
            .iter()
            .filter(|(n, _)| {
                op.params
                    .iter()
                    .any(|p| p.name == *n && p.location == Location::Path)
            })
            .cloned()
            .collect();
        assert_eq!(path, format!("/v1{}", filled(op, &in_path)), "{}", op.id);
        let mut got_query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let mut want_query: Vec<(String, String)> = params
            .iter()
            .filter(|(n, _)| {
                op.params
                    .iter()
                    .any(|p| p.name == *n && p.location == Location::Query)
            })
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        got_query.sort();
        want_query.sort();
        assert_eq!(got_query, want_query, "{}: query", op.id);
        match &body {
            Some(body) => {
                let got: Value = serde_json::from_slice(&sent.body)
                    .unwrap_or_else(|e| panic!("{}: the body is not JSON: {e}", op.id));
                assert_eq!(&got, body, "{}: body", op.id);
                assert_eq!(
                    sent.headers.get("content-type").map(|v| v.as_bytes()),
                    Some(&b"application/json"[..]),
                    "{}",
                    op.id
                );
            }
            None => assert!(sent.body.is_empty(), "{}: a body was sent", op.id),
        }
        assert!(
            sent.status.is_some_and(|s| s.is_success()),
            "{}: {:?}",
            op.id,
            sent.status
        );

        // What came back: the spec's example, `api_id` fresh.
        let (want, had_api_id) = expected_answer(op, &in_path);
        let mut answer = answer;
        let api_id = answer.as_object_mut().and_then(|m| m.remove("api_id"));
        assert_eq!(answer, want, "{}: answer", op.id);
        assert_eq!(api_id.is_some(), had_api_id, "{}: api_id", op.id);
        if let Some(api_id) = api_id {
            assert!(api_id.as_str().is_some_and(|s| !s.is_empty()), "{}", op.id);
        }
    }
}

/// The table the test above walks is the spec's: every operationId of
/// `spec/phlo.yaml`, in its order.
#[test]
fn the_operations_table_is_the_spec() {
    let spec: serde_norway::Value =
        serde_norway::from_str(include_str!("../../spec/phlo.yaml")).expect("spec parses");
    let mut ids = Vec::new();
    for (_, item) in spec["paths"].as_mapping().expect("paths").iter() {
        for (method, op) in item.as_mapping().expect("path item").iter() {
            let methods = [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ];
            if methods.contains(&method.as_str().unwrap_or_default()) {
                ids.push(op["operationId"].as_str().expect("operationId").to_string());
            }
        }
    }
    let table: Vec<&str> = OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(ids, table);
}
