//! Routing one request the way the PHLO runner would: credentials, the
//! route (routes added with `on` first, then the spec's operations), the
//! checks, and the spec's example as the answer.

use http::request::Parts;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::{
    Call,
    refusal::{Refusal, param_is},
    reply::Reply,
    state::{Route, Shared},
};
use crate::{
    spec::{OPERATIONS, Operation, TextType},
    values::path::Template,
};

/// Where a request went.
enum Routed {
    /// A spec operation.
    Operation(&'static Operation),
    /// A route added with `on`.
    Custom(Route),
}

/// The outcome: what to record, the route's name for targeted faults, the
/// mock's own answer, and a custom route's reply (which a fault replaces).
pub(super) struct Answer {
    pub(super) call: Call,
    pub(super) target: Option<String>,
    pub(super) reply: Reply,
    pub(super) custom: Option<Reply>,
}

pub(super) fn answer(shared: &Shared, request: &Parts, body: &[u8]) -> Answer {
    checked(shared, request, body)
        .unwrap_or_else(|(target, refusal)| refuse(shared, target, refusal))
}

/// A refusal, with the route's name once the request has one.
type Refused = (Option<String>, Refusal);

fn checked(shared: &Shared, request: &Parts, body: &[u8]) -> Result<Answer, Refused> {
    let (method, headers, path) = (&request.method, &request.headers, request.uri.path());
    let auth = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if auth != Some(shared.auth.as_str()) {
        let refusal = Refusal::new(StatusCode::UNAUTHORIZED, "Authentication failed.");
        return Err((None, refusal));
    }
    let no_route = |what: &str| (None, Refusal::no_route(what));
    let rest = path.strip_prefix("/v1/").ok_or_else(|| no_route(path))?;
    let segments: Vec<&str> = rest.split('/').collect();
    let (routed, path_values) =
        route(shared, method, &segments).ok_or_else(|| no_route(&format!("{method} {path}")))?;
    let mut params: Vec<(&str, &str)> = path_values.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    // Query values by name, as sent (`limit=2`, `lang=en`).
    params.extend(
        request
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, ""))),
    );
    let target = Some(match &routed {
        Routed::Operation(op) => op.id.to_string(),
        Routed::Custom(route) => route.template.clone(),
    });
    let refused = |refusal| (target.clone(), refusal);
    let json = json_body(headers, body).map_err(refused)?;
    let op = match routed {
        Routed::Operation(op) => op,
        Routed::Custom(route) => {
            let params = params.iter().map(|(n, v)| (n.to_string(), v.to_string()));
            return Ok(Answer {
                call: Call::Custom {
                    method: method.to_string(),
                    template: route.template,
                    params: params.collect(),
                    body: json.unwrap_or(Value::Null),
                },
                target,
                reply: Reply::answer(StatusCode::OK, Value::Null),
                custom: Some(route.reply),
            });
        }
    };
    let is_auth_id = |name| param_is(op, name, |p| p.text_type() == Some(TextType::AuthId));
    let other_account = params
        .iter()
        .find(|(n, v)| is_auth_id(n) && *v != shared.auth_id.as_str());
    if let Some((name, _)) = other_account {
        return Err(refused(Refusal::invalid(StatusCode::NOT_FOUND, name)));
    }
    let call = Call::decode(op.id, &params, json).map_err(refused)?;
    // The spec's success status (201 for a POST, 204 with no body, ...).
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    let example = example(shared, op, &params[..path_values.len()]);
    Ok(Answer {
        call,
        target,
        reply: Reply::answer(status, example),
        custom: None,
    })
}

/// A body is JSON or absent: a body that is not JSON, or JSON without the
/// JSON content type, is refused as Plivo does.
fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Option<Value>, Refusal> {
    if body.is_empty() {
        return Ok(None);
    }
    let content_type = headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type != Some("application/json") {
        return Err(Refusal::bad("Content-Type must be application/json."));
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|_| Refusal::bad("Request body must be a JSON object."))
}

/// Plivo's `{"api_id", "error"}` answer for a refused request.
pub(super) fn refuse(shared: &Shared, target: Option<String>, refusal: Refusal) -> Answer {
    let json = json!({ "api_id": shared.next_api_id(), "error": refusal.reason });
    Answer {
        call: Call::Rejected {
            reason: refusal.reason,
        },
        target,
        reply: Reply::answer(refusal.status, json),
        custom: None,
    }
}

/// The route whose method and template match, and its path values: routes
/// added with `on` first (the latest), then the spec's operations.
fn route<'p>(
    shared: &Shared,
    method: &Method,
    segments: &[&'p str],
) -> Option<(Routed, Vec<(String, &'p str)>)> {
    let matches = |m: &str, template: &str| {
        let values = (m == method.as_str()).then(|| Template(template).matches(segments))??;
        Some(
            values
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
        )
    };
    let custom = shared.lock().routes.iter().rev().find_map(|r| {
        let values = matches(r.method.as_str(), &r.template)?;
        Some((Routed::Custom(r.clone()), values))
    });
    custom.or_else(|| {
        OPERATIONS
            .iter()
            .find_map(|op| Some((Routed::Operation(op), matches(op.method, op.path)?)))
    })
}

/// The spec's example answer for `op`, with the request's path values (not
/// its query: a client does not choose the answer's fields) in place of the
/// example's, wherever they appear, and a fresh `api_id`.
fn example(shared: &Shared, op: &Operation, params: &[(&str, &str)]) -> Value {
    let mut value: Value = serde_json::from_str(op.example).unwrap_or_else(|_| json!({}));
    let Value::Object(map) = &mut value else {
        return value;
    };
    // Only ids are echoed (`phlo_id`, `node_id`): another path value put
    // into the answer could break the answer's own rules (found by the
    // oracle: a timestamp in place of a 5-character field).
    let replacements: Vec<(String, &str)> = params
        .iter()
        .filter(|(name, _)| param_is(op, name, |p| p.text_type() == Some(TextType::Id)))
        .filter_map(|(name, new)| {
            let old = map.get(*name)?.as_str()?;
            (!old.is_empty()).then(|| (old.to_string(), *new))
        })
        .collect();
    for field in map.values_mut() {
        if let Value::String(text) = field {
            for (old, new) in &replacements {
                *text = text.replace(old.as_str(), new);
            }
        }
    }
    if map.contains_key("api_id") {
        map.insert("api_id".into(), Value::String(shared.next_api_id()));
    }
    value
}
