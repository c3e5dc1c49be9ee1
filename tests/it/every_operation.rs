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

use std::time::Duration;

use plivo_phlo::{
    mock::MockPhlo,
    spec::{Field, Kind, Limits, Location, OPERATIONS, Operation},
};
use serde_json::{Map, Value, json};

/// The address every `Address` parameter or body field gets.
const PHONE: &str = "+14152225555";

/// The values a path or query parameter can take, first choice first:
/// the mock's own ids and credentials for `Id` and `AuthId`, a phone
/// number for `Address`; then what the spec gives (its examples, its
/// default, an enum's values); then values built from the rules
/// ([`from_rules`]).
fn candidates(field: &Field) -> Vec<String> {
    match field.schema {
        "Id" if field.name == "phlo_id" => return vec![MockPhlo::PHLO_ID.into()],
        "Id" => return vec![MockPhlo::NODE_ID.into()],
        "AuthId" => return vec![MockPhlo::AUTH_ID.into()],
        "Address" => return vec![PHONE.into()],
        _ => {}
    }
    let mut out: Vec<String> = Vec::new();
    let given = field.examples.iter().copied();
    let given = given
        .chain(field.default)
        .chain(field.values.iter().copied());
    for value in given.map(String::from).chain(from_rules(field)) {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// Values built from a field's rules: for a number, its bounds (and a
/// multiple of `multipleOf`) before a spread of the usual ranges; for a
/// string, its format, a text its pattern matches ([`sample`]) or one of
/// the right length, before plain texts. An array parameter's items are
/// not typed in `Field`: its limits say which they are.
fn from_rules(field: &Field) -> Vec<String> {
    let l = &field.limits;
    let numeric = matches!(field.kind, Kind::Integer | Kind::Number)
        || (field.kind == Kind::Array
            && (l.minimum.is_some() || l.maximum.is_some() || l.multiple_of.is_some()));
    if field.kind == Kind::Boolean {
        return vec!["true".into(), "false".into()];
    }
    if numeric {
        return numbers(l, field.kind == Kind::Number);
    }
    let mut out = Vec::new();
    match l.format {
        "uuid" => out.push(MockPhlo::PHLO_ID.to_string()),
        "date-time" => out.push("2020-06-03T10:48:43Z".into()),
        "date" => out.push("2020-06-03".into()),
        "uri" => out.push("https://example.com/drill".into()),
        "email" => out.push("drill@example.com".into()),
        _ => {}
    }
    if let Some(text) = l.pattern.and_then(sample) {
        out.push(text);
    }
    if l.min_length.is_some() || l.max_length.is_some() {
        let n = l
            .min_length
            .unwrap_or(0)
            .max(1)
            .min(l.max_length.unwrap_or(u64::MAX));
        out.push("a".repeat(n as usize));
    }
    if field.kind == Kind::Array {
        out.push("1".into());
    }
    out.extend(
        [
            "drill",
            MockPhlo::PHLO_ID,
            "2020-06-03T10:48:43Z",
            "2020-06-03",
        ]
        .map(String::from),
    );
    out
}

fn numbers(l: &Limits, fractional: bool) -> Vec<String> {
    let step = if fractional { 0.5 } else { 1.0 };
    let low = l
        .minimum
        .map(|m| if l.exclusive_minimum { m + step } else { m });
    let high = l
        .maximum
        .map(|m| if l.exclusive_maximum { m - step } else { m });
    let mut out: Vec<f64> = Vec::new();
    if let Some(k) = l.multiple_of {
        let from = low.unwrap_or(0.0);
        let first = (from / k).ceil() * k;
        out.push(if first == 0.0 && low.is_none() {
            k
        } else {
            first
        });
    }
    out.extend(low);
    out.extend(high);
    if let (Some(a), Some(b)) = (low, high) {
        out.push(((a + b) / 2.0).floor());
    }
    out.extend([1.0, 2.0, 10.0, 60.0, 100.0, 1000.0, 0.0, -1.0]);
    out.into_iter()
        .map(|v| {
            if v.fract() == 0.0 {
                format!("{}", v as i64)
            } else {
                v.to_string()
            }
        })
        .collect()
}

/// A text that `pattern` matches, for the patterns specs write: anchors,
/// literals, escapes (`\\d`, `\\w`, an escaped symbol), classes and ranges,
/// groups with `|`, and the quantifiers `?`, `*`, `+`, `{n}`, `{n,}`,
/// `{n,m}` (each atom repeated its least number of times, at least once
/// when the least is 0 and the most is not). `None` for what it does not
/// know (look-arounds, negated classes, back-references).
fn sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let out = alternatives(&chars, &mut at)?;
    (at == chars.len()).then_some(out)
}

fn alternatives(c: &[char], at: &mut usize) -> Option<String> {
    let first = sequence(c, at)?;
    while c.get(*at) == Some(&'|') {
        *at += 1;
        sequence(c, at)?;
    }
    Some(first)
}

fn sequence(c: &[char], at: &mut usize) -> Option<String> {
    let mut out = String::new();
    while let Some(&ch) = c.get(*at) {
        if ch == '|' || ch == ')' {
            break;
        }
        *at += 1;
        let atom = match ch {
            '^' | '$' => continue,
            '(' => {
                if c.get(*at) == Some(&'?') {
                    if c.get(*at + 1) != Some(&':') {
                        return None;
                    }
                    *at += 2;
                }
                let inner = alternatives(c, at)?;
                if c.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                inner
            }
            '[' => class(c, at)?.to_string(),
            '\\' => escape(c, at)?.to_string(),
            '.' => "a".into(),
            '*' | '+' | '?' | '{' => return None,
            other => other.to_string(),
        };
        let (least, most) = quantifier(c, at)?;
        let times = if least == 0 && most != Some(0) {
            1
        } else {
            least
        };
        out.push_str(&atom.repeat(times));
    }
    Some(out)
}

fn escape(c: &[char], at: &mut usize) -> Option<char> {
    let e = *c.get(*at)?;
    *at += 1;
    match e {
        'd' => Some('0'),
        'w' => Some('a'),
        's' => Some(' '),
        e if !e.is_ascii_alphanumeric() => Some(e),
        _ => None,
    }
}

/// The first character a class allows.
fn class(c: &[char], at: &mut usize) -> Option<char> {
    if c.get(*at) == Some(&'^') {
        return None;
    }
    let mut first = None;
    let mut start = true;
    loop {
        let ch = *c.get(*at)?;
        *at += 1;
        match ch {
            ']' if !start => return first,
            '\\' => {
                let e = escape(c, at)?;
                first.get_or_insert(e);
            }
            ch => {
                first.get_or_insert(ch);
                if c.get(*at) == Some(&'-') && c.get(*at + 1).is_some_and(|n| *n != ']') {
                    *at += 2;
                }
            }
        }
        start = false;
    }
}

fn quantifier(c: &[char], at: &mut usize) -> Option<(usize, Option<usize>)> {
    let q = match c.get(*at) {
        Some('?') => (0, Some(1)),
        Some('*') => (0, None),
        Some('+') => (1, None),
        Some('{') => {
            let close = c[*at..].iter().position(|ch| *ch == '}')? + *at;
            let inside: String = c[*at + 1..close].iter().collect();
            let (least, most) = match inside.split_once(',') {
                None => (inside.parse().ok()?, Some(inside.parse().ok()?)),
                Some((l, "")) => (l.parse().ok()?, None),
                Some((l, m)) => (l.parse().ok()?, Some(m.parse().ok()?)),
            };
            *at = close;
            (least, most)
        }
        _ => return Some((1, Some(1))),
    };
    *at += 1;
    if c.get(*at) == Some(&'?') {
        *at += 1;
    }
    Some(q)
}

#[test]
fn patterns_are_sampled_into_texts_they_match() {
    for pattern in [
        "^(MA|SA)[A-Z0-9]{18}$",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$",
        "^[0-9#*]$",
        "^\\+?[1-9][0-9]{6,14}$",
        "^[a-z]{2}(?:-[A-Z]{2})?$",
        "^[A-Za-z0-9_-]{1,32}$",
        "^a.b*c+$",
    ] {
        let text = sample(pattern).unwrap_or_else(|| panic!("{pattern}: no sample"));
        let re = regress::Regex::new(pattern).unwrap();
        assert!(
            re.find(&text).is_some(),
            "{pattern}: {text:?} does not match"
        );
    }
    assert_eq!(sample("^(?=a)a$"), None, "a look-ahead is not known");
    assert_eq!(sample("^[^a]$"), None, "a negated class is not known");
}

/// A JSON value for body field `field`, when the spec has no example body.
fn json_value(field: &Field) -> Value {
    let text = candidates(field).swap_remove(0);
    let number = || {
        text.parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<f64>().map(Value::from))
            .unwrap_or(json!(1))
    };
    match field.kind {
        Kind::Integer | Kind::Number => number(),
        Kind::Boolean => json!(text == "true"),
        Kind::Array => {
            let numeric = field.limits.minimum.is_some() || field.limits.maximum.is_some();
            let item = if numeric {
                number()
            } else {
                Value::String(text.clone())
            };
            let n = field.limits.min_items.unwrap_or(1).max(1) as usize;
            Value::Array(vec![item; n])
        }
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
        // An array parameter: its name once per value, as many as it needs.
        let params: Vec<(&'static str, String)> = chosen
            .iter()
            .flat_map(|(i, p)| {
                let times = match p.kind {
                    Kind::Array => p.limits.min_items.unwrap_or(1).max(1) as usize,
                    _ => 1,
                };
                std::iter::repeat_n((p.name, candidates(p)[*i].clone()), times)
            })
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

/// The spec's example answer as MockPhlo gives it: each `Id` path value in
/// place of the example's value of the same name, wherever that value
/// appears in a top-level string (`src/mock/routes.rs`, `example`); `api_id` fresh, so
/// taken out (and returned) to be compared on its own.
fn expected_answer(op: &Operation, path_values: &[(&str, String)]) -> (Value, bool) {
    let mut value: Value = serde_json::from_str(op.example).expect("the example is JSON");
    let Value::Object(map) = &mut value else {
        return (value, false);
    };
    let is_id = |name: &str| op.params.iter().any(|p| p.name == name && p.schema == "Id");
    let replacements: Vec<(String, String)> = path_values
        .iter()
        .filter(|(name, _)| is_id(name))
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

/// `value` with every number as an `f64` (`0` and `0.0` compare equal).
fn numbers_as_f64(value: Value) -> Value {
    match value {
        Value::Number(n) => n.as_f64().map_or(Value::Number(n), Value::from),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The path template with each path parameter's value in its place,
/// percent-encoded as RFC 3986 has a path segment hold it (`pchar`: the
/// unreserved characters, the sub-delimiters, `:` and `@` as they are).
fn filled(op: &Operation, params: &[(&str, String)]) -> String {
    const PCHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'!')
        .remove(b'$')
        .remove(b'&')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+')
        .remove(b',')
        .remove(b';')
        .remove(b'=')
        .remove(b':')
        .remove(b'@');
    params
        .iter()
        .fold(op.path.to_string(), |path, (name, value)| {
            let encoded = percent_encoding::utf8_percent_encode(value, PCHAR).to_string();
            path.replace(&format!("{{{name}}}"), &encoded)
        })
}

/// The oracle: Prism (`PLIVO_PHLO_ORACLE`, its executable) in proxy mode
/// between the client and MockPhlo, validating every request and every
/// answer against the spec (`PLIVO_PHLO_ORACLE_SPEC`, by default the
/// crate's) and answering 422 or 500 with what does not fit. It reads the
/// spec itself: a generator bug that the client and the mock share does
/// not pass it. `None` (straight to MockPhlo) when the variable is unset.
struct Oracle {
    child: tokio::process::Child,
    url: String,
    log: std::path::PathBuf,
}

impl Oracle {
    async fn start(mock: &MockPhlo) -> Option<Oracle> {
        let prism = std::env::var_os("PLIVO_PHLO_ORACLE")?;
        let spec = std::env::var_os("PLIVO_PHLO_ORACLE_SPEC")
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/spec/phlo.yaml").into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::env::temp_dir().join(format!("plivo-phlo-prism-{port}.log"));
        let out = std::fs::File::create(&log).expect("the oracle's log");
        let child = tokio::process::Command::new(prism)
            .arg("proxy")
            .arg(spec)
            .arg(mock.base_url())
            .args([
                "--errors",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .stdout(out.try_clone().expect("the log"))
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .expect("Prism starts");
        // Ready when it listens: at most 90 s (it parses the spec first).
        for _ in 0..900 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Some(Oracle {
                    child,
                    url: format!("http://127.0.0.1:{port}"),
                    log,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "Prism did not listen within 90 s: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// What Prism said of the requests so far: its violations.
    fn said(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines()
            .filter(|l| l.contains("Violation") || l.contains("✖") || l.contains("error"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_file(&self.log);
    }
}

#[tokio::test]
async fn every_spec_operation_is_sent_by_id_and_answered_from_its_example() {
    assert!(!OPERATIONS.is_empty());
    let mock = MockPhlo::start().await.unwrap();
    let oracle = Oracle::start(&mock).await;
    let client = match &oracle {
        Some(o) => mock.client_builder().base_url(&o.url).build().unwrap(),
        None => mock.client(),
    };
    let said = |oracle: &Option<Oracle>| oracle.as_ref().map(Oracle::said).unwrap_or_default();
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
            .unwrap_or_else(|e| {
                panic!(
                    "{}: failed against MockPhlo: {e:?}\n{}",
                    op.id,
                    said(&oracle)
                )
            });

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

        // What came back: the spec's example, `api_id` fresh (numbers
        // compared as numbers: the oracle writes `0.0` as `0`).
        let (want, had_api_id) = expected_answer(op, &in_path);
        let want = numbers_as_f64(want);
        let mut answer = numbers_as_f64(answer);
        let api_id = answer.as_object_mut().and_then(|m| m.remove("api_id"));
        assert_eq!(answer, want, "{}: answer", op.id);
        assert_eq!(api_id.is_some(), had_api_id, "{}: api_id", op.id);
        if let Some(api_id) = api_id {
            assert!(api_id.as_str().is_some_and(|s| !s.is_empty()), "{}", op.id);
        }

        // An optional body left out: nothing is sent, not even `{}`.
        if op.body.is_some_and(|b| !b.required) {
            mock.reset();
            client
                .operations()
                .prepare(op.id, &pairs, None)
                .unwrap_or_else(|e| panic!("{}: cannot be prepared without its body: {e:?}", op.id))
                .send_checked()
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "{}: failed without its body: {e:?}\n{}",
                        op.id,
                        said(&oracle)
                    )
                });
            let sent = &mock.requests()[0];
            assert!(
                sent.body.is_empty(),
                "{}: a body was sent: {:?}",
                op.id,
                sent.body
            );
            assert!(
                sent.headers.get("content-type").is_none(),
                "{}: a content-type was sent",
                op.id
            );
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
