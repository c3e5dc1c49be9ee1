//! Routing one request the way the PHLO runner would: credentials, the
//! route (routes added with `on` first, then the spec's operations), the
//! checks, and the spec's example as the answer.

use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::{Call, refusal::Refusal, reply::Reply, state::Shared};
use crate::{
    spec::{HandWritten, OPERATIONS, Operation},
    values::path::Template,
};

/// Where a request went.
pub(super) enum Routed {
    /// A spec operation.
    Operation(&'static Operation),
    /// A route added with `on`: its reply.
    Custom(Reply),
}

/// The outcome: what to record, the route's name for targeted faults, the
/// mock's own answer, and a custom route's reply (which a fault replaces).
pub(super) struct Answer {
    pub(super) call: Call,
    pub(super) target: Option<String>,
    pub(super) reply: Reply,
    pub(super) custom: Option<Reply>,
}

pub(super) fn answer(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Answer {
    let auth = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if auth != Some(shared.auth.as_str()) {
        return refuse(
            shared,
            None,
            Refusal::new(StatusCode::UNAUTHORIZED, "Authentication failed."),
        );
    }
    let Some(rest) = path.strip_prefix("/v1/") else {
        return refuse(shared, None, Refusal::no_route(path));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let Some((routed, template, path_params)) = route(shared, method, &segments) else {
        return refuse(shared, None, Refusal::no_route(&format!("{method} {path}")));
    };
    let mut params: Vec<(&str, &str)> = path_params.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let path_values = params.len();
    // Query values by name, as sent (`limit=2`, `lang=en`).
    params.extend(
        query
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, ""))),
    );
    let json = match json_body(headers, body) {
        Ok(json) => json,
        Err(refusal) => return refuse(shared, Some(target_of(&routed, &template)), refusal),
    };
    match routed {
        Routed::Custom(reply) => Answer {
            call: Call::Custom {
                method: method.to_string(),
                template: template.clone(),
                params: params
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                body: json.unwrap_or(Value::Null),
            },
            target: Some(template),
            reply: Reply::answer(StatusCode::OK, Value::Null),
            custom: Some(reply),
        },
        Routed::Operation(op) => {
            let target = Some(op.id.to_string());
            if let Some((name, _)) = params
                .iter()
                .find(|(n, v)| is_auth_id(op, n) && *v != shared.auth_id.as_str())
            {
                let refusal = Refusal::new(
                    StatusCode::NOT_FOUND,
                    format!("Invalid value provided for {name}."),
                );
                return refuse(shared, target, refusal);
            }
            match Call::decode(op.id, &params, json) {
                Ok(call) => Answer {
                    call,
                    target,
                    // The spec's success status (201 for a POST, 204 with no body, ...).
                    reply: Reply::answer(
                        StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK),
                        example(shared, op, &params[..path_values]),
                    ),
                    custom: None,
                },
                Err(refusal) => refuse(shared, target, refusal),
            }
        }
    }
}

fn target_of(routed: &Routed, template: &str) -> String {
    match routed {
        Routed::Operation(op) => op.id.to_string(),
        Routed::Custom(_) => template.to_string(),
    }
}

fn is_auth_id(op: &Operation, name: &str) -> bool {
    op.params
        .iter()
        .any(|p| p.name == name && p.hand_written() == Some(HandWritten::AuthId))
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
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/json.",
        ));
    }
    serde_json::from_slice(body).map(Some).map_err(|_| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON object.",
        )
    })
}

/// A request refused before routing (its body too large, say).
pub(super) fn refused(shared: &Shared, status: StatusCode, reason: &str) -> Answer {
    refuse(shared, None, Refusal::new(status, reason))
}

fn refuse(shared: &Shared, target: Option<String>, refusal: Refusal) -> Answer {
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

/// The route whose method and template match: routes added with `on`
/// first, then the spec's operations.
/// Where a request went: the route, its template, and its path values.
type Matched<'p> = (Routed, String, Vec<(String, &'p str)>);

fn route<'p>(shared: &Shared, method: &Method, segments: &[&'p str]) -> Option<Matched<'p>> {
    let owned = |values: Vec<(&str, &'p str)>| {
        values
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect::<Vec<_>>()
    };
    let custom = shared.lock().routes.iter().rev().find_map(|r| {
        let values = (r.method == *method)
            .then(|| Template(&r.template).matches(segments))
            .flatten()?;
        Some((r.clone(), owned(values)))
    });
    if let Some((route, values)) = custom {
        return Some((Routed::Custom(route.reply), route.template, values));
    }
    OPERATIONS.iter().find_map(|op| {
        let values = (op.method == method.as_str())
            .then(|| Template(op.path).matches(segments))
            .flatten()?;
        Some((Routed::Operation(op), op.path.to_string(), owned(values)))
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
    let is_id = |name: &str| {
        op.params
            .iter()
            .any(|p| p.name == name && p.hand_written() == Some(crate::spec::HandWritten::Id))
    };
    let replacements: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| is_id(name))
        .filter_map(|(name, new)| {
            let old = map.get(*name)?.as_str()?.to_string();
            (!old.is_empty()).then(|| (old, new.to_string()))
        })
        .collect();
    for field in map.values_mut() {
        if let Value::String(text) = field {
            for (old, new) in &replacements {
                if text.contains(old.as_str()) {
                    *text = text.replace(old.as_str(), new);
                }
            }
        }
    }
    if map.contains_key("api_id") {
        map.insert("api_id".into(), Value::String(shared.next_api_id()));
    }
    value
}
