//! [`MockPhlo`]: a local PHLO runner that answers every spec operation.

use std::{
    collections::VecDeque,
    convert::Infallible,
    net::SocketAddr,
    str::FromStr,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{
    client::{PhloClient, PhloClientBuilder},
    generated::types,
};

use crate::spec::OPERATIONS;

/// One request the mock received, in the order received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The path exactly as it came on the wire (no decoding), e.g.
    /// `/v1/phlo/…/members/+14152225555`.
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// The operation the request was routed to, with its decoded body.
    pub call: Call,
    /// The status the mock answered with; `None` while the answer is still
    /// delayed, or when the client went away before it was sent.
    pub status: Option<StatusCode>,
}

/// A request the mock understood, decoded into the generated types.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Call {
    /// `GET /phlo/{phlo_id}`.
    GetPhlo {
        /// The PHLO id from the path.
        phlo_id: String,
    },
    /// `POST /account/{auth_id}/phlo/{phlo_id}`.
    RunPhlo {
        /// The auth_id from the path.
        auth_id: String,
        /// The PHLO id from the path.
        phlo_id: String,
        /// The decoded payload.
        payload: types::RunPhloRequest,
    },
    /// `GET /phlo/{phlo_id}/runs/{run_id}`.
    GetPhloRun {
        /// The PHLO id from the path.
        phlo_id: String,
        /// The run id from the path.
        run_id: String,
    },
    /// `GET /phlo/{phlo_id}/multi_party_call/{node_id}`.
    GetMultiPartyCall {
        /// The PHLO id from the path.
        phlo_id: String,
        /// The node id from the path.
        node_id: String,
    },
    /// `POST /phlo/{phlo_id}/multi_party_call/{node_id}`: add user, transfers.
    UpdateMultiPartyCall {
        /// The PHLO id from the path.
        phlo_id: String,
        /// The node id from the path.
        node_id: String,
        /// The decoded body.
        body: types::MultiPartyCallRequest,
    },
    /// `POST /phlo/{phlo_id}/multi_party_call/{node_id}/members/{member_address}`.
    UpdateMultiPartyCallMember {
        /// The PHLO id from the path.
        phlo_id: String,
        /// The node id from the path.
        node_id: String,
        /// The member address from the path, as sent.
        member_address: String,
        /// The decoded body.
        body: types::MemberRequest,
    },
    /// `POST /phlo/{phlo_id}/conference_bridge/{node_id}/members/{member_address}`.
    UpdateConferenceBridgeMember {
        /// The PHLO id from the path.
        phlo_id: String,
        /// The node id from the path.
        node_id: String,
        /// The member address from the path, as sent.
        member_address: String,
        /// The decoded body.
        body: types::ConferenceBridgeMemberRequest,
    },
    /// An operation of the spec this enum has no typed variant for yet (the
    /// spec grew): answered with its example all the same.
    Other {
        /// The operationId the request was routed to.
        operation_id: String,
        /// Path parameters by name, as sent.
        params: Vec<(String, String)>,
        /// The JSON body (an empty object for none).
        body: Value,
    },
    /// A request the mock refused (bad route, bad auth, bad body); the
    /// [`Recorded::status`] says how it answered.
    Rejected {
        /// Why it was refused, as the mock told the client.
        reason: String,
    },
}

/// A scripted answer for the next requests, set with [`MockPhlo::fail_next`].
#[derive(Clone, Debug)]
pub struct Fault {
    status: Option<StatusCode>,
    body: Bytes,
    headers: Vec<(String, String)>,
    delay: Duration,
}

impl Fault {
    /// Answer with `status` and an empty body.
    pub fn status(status: u16) -> Self {
        Fault {
            status: Some(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)),
            body: Bytes::new(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// Answer normally, but only after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Fault {
            status: None,
            body: Bytes::new(),
            headers: Vec::new(),
            delay,
        }
    }

    /// The body to send (any bytes: JSON, HTML, truncated JSON).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A JSON body, e.g. Plivo's `{"api_id": "…", "error": "…"}`.
    pub fn json(mut self, body: Value) -> Self {
        self.body = body.to_string().into();
        self.headers
            .push(("content-type".into(), "application/json".into()));
        self
    }

    /// An extra response header, e.g. `Retry-After`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits `delay` before answering.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct State {
    recorded: Vec<Recorded>,
    faults: VecDeque<(usize, Fault)>,
}

struct Shared {
    state: Mutex<State>,
    auth: String,
    connections: AtomicUsize,
    ids: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the records from the next one.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A local mock PHLO runner on `127.0.0.1`, answering every operation of
/// `spec/phlo.yaml` with the spec's own examples, checking credentials and
/// bodies the way Plivo does (400 `{"api_id", "error"}` for a bad body), and
/// recording every request. It stops when dropped.
pub struct MockPhlo {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockPhlo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockPhlo")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for MockPhlo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockPhlo {
    /// The auth_id [`MockPhlo::client`] uses and the mock accepts.
    pub const AUTH_ID: &'static str = "MAMOCKMOCKMOCKMOCK01";
    /// The auth_token [`MockPhlo::client`] uses and the mock accepts.
    pub const AUTH_TOKEN: &'static str = "mock-auth-token";
    /// A PHLO id to use with the mock (any well-formed id works).
    pub const PHLO_ID: &'static str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
    /// A node id to use with the mock (any well-formed id works).
    pub const NODE_ID: &'static str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";

    /// Starts the mock on a free loopback port. Needs a Tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            Self::AUTH_ID,
            Self::AUTH_TOKEN
        ));
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            auth: format!("Basic {auth}"),
            connections: AtomicUsize::new(0),
            ids: AtomicUsize::new(0),
        });
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accept_shared.connections.fetch_add(1, Ordering::Relaxed);
                let shared = accept_shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle(&shared, req).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(MockPhlo { addr, shared, task })
    }

    /// The mock's base URL, `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The socket address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A builder already pointed at the mock with the mock's credentials.
    pub fn client_builder(&self) -> PhloClientBuilder {
        PhloClient::builder()
            .credentials(Self::AUTH_ID, Self::AUTH_TOKEN)
            .base_url(self.base_url())
    }

    /// A [`PhloClient`] pointed at the mock with the mock's credentials.
    pub fn client(&self) -> PhloClient {
        self.client_builder()
            .build()
            .expect("the mock's own configuration is valid")
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.clone()
    }

    /// The decoded operations received so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared
            .lock()
            .recorded
            .iter()
            .map(|r| r.call.clone())
            .collect()
    }

    /// How many requests reached the mock.
    pub fn hits(&self) -> usize {
        self.shared.lock().recorded.len()
    }

    /// How many TCP connections the mock accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// Forgets the recorded requests.
    pub fn reset(&self) {
        self.shared.lock().recorded.clear();
    }

    /// Answers the next `n` requests with `fault` (queued after any earlier
    /// script).
    pub fn fail_next(&self, n: usize, fault: Fault) {
        if n > 0 {
            self.shared.lock().faults.push_back((n, fault));
        }
    }
}

async fn handle(shared: &Shared, req: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_string();
    let fault = {
        let mut state = shared.lock();
        match state.faults.front_mut() {
            Some((left, fault)) => {
                let fault = fault.clone();
                *left -= 1;
                if *left == 0 {
                    state.faults.pop_front();
                }
                Some(fault)
            }
            None => None,
        }
    };
    let (call, status, answer) = answer(shared, &parts.method, &parts.headers, &path, &body);
    // Recorded on arrival, so a request whose client gave up still counts.
    let index = {
        let mut state = shared.lock();
        state.recorded.push(Recorded {
            method: parts.method,
            path,
            headers: parts.headers,
            body,
            call,
            status: None,
        });
        state.recorded.len() - 1
    };
    if let Some(f) = fault.as_ref().filter(|f| !f.delay.is_zero()) {
        tokio::time::sleep(f.delay).await;
    }
    let response = match fault {
        Some(Fault {
            status: Some(status),
            body,
            headers,
            ..
        }) => {
            let mut r = Response::new(Full::new(body));
            *r.status_mut() = status;
            for (name, value) in headers {
                if let (Ok(n), Ok(v)) = (
                    hyper::header::HeaderName::from_str(&name),
                    hyper::header::HeaderValue::from_str(&value),
                ) {
                    r.headers_mut().append(n, v);
                }
            }
            r
        }
        _ => json_response(status, &answer),
    };
    if let Some(r) = shared.lock().recorded.get_mut(index) {
        r.status = Some(response.status());
    }
    response
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

fn api_id(shared: &Shared) -> String {
    let n = shared.ids.fetch_add(1, Ordering::Relaxed);
    format!("00000000-0000-4000-8000-{n:012x}")
}

fn refuse(shared: &Shared, status: StatusCode, reason: String) -> (Call, StatusCode, Value) {
    let body = json!({ "api_id": api_id(shared), "error": reason });
    (Call::Rejected { reason }, status, body)
}

/// Routes, checks and answers one request the way the PHLO runner would.
fn answer(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
) -> (Call, StatusCode, Value) {
    if headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(&shared.auth)
    {
        return refuse(
            shared,
            StatusCode::UNAUTHORIZED,
            "Authentication failed.".into(),
        );
    }
    let Some(rest) = path.strip_prefix("/v1/") else {
        return refuse(
            shared,
            StatusCode::NOT_FOUND,
            format!("no route for {path}"),
        );
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let Some((op, template)) = route(method, &segments) else {
        return refuse(
            shared,
            StatusCode::NOT_FOUND,
            format!("no route for {method} {path}"),
        );
    };
    // Path parameters by name, from the spec's path template.
    let params: Vec<(&str, &str)> = template
        .trim_start_matches('/')
        .split('/')
        .zip(&segments)
        .filter_map(|(t, v)| {
            t.strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .map(|t| (t, *v))
        })
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    for (name, value) in &params {
        let ok = match *name {
            "member_address" => crate::Address::is_valid(value),
            "auth_id" => *value == MockPhlo::AUTH_ID,
            _ => types::Id::from_str(value).is_ok(),
        };
        if !ok {
            return refuse(
                shared,
                StatusCode::NOT_FOUND,
                format!("Invalid value provided for {name}."),
            );
        }
    }
    let has_body = method == Method::POST;
    let json = if has_body {
        if headers
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            != Some("application/json")
        {
            return refuse(
                shared,
                StatusCode::BAD_REQUEST,
                "Content-Type must be application/json.".into(),
            );
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            _ => {
                return refuse(
                    shared,
                    StatusCode::BAD_REQUEST,
                    "Request body must be a JSON object.".into(),
                );
            }
        }
    } else {
        serde_json::Map::new()
    };
    let call = match op {
        "get_phlo" => Call::GetPhlo {
            phlo_id: param("phlo_id"),
        },
        "get_phlo_run" => Call::GetPhloRun {
            phlo_id: param("phlo_id"),
            run_id: param("run_id"),
        },
        "get_multi_party_call" => Call::GetMultiPartyCall {
            phlo_id: param("phlo_id"),
            node_id: param("node_id"),
        },
        "run_phlo" => Call::RunPhlo {
            auth_id: param("auth_id"),
            phlo_id: param("phlo_id"),
            payload: types::RunPhloRequest(json.clone()),
        },
        "update_multi_party_call" => {
            match decode::<types::MultiPartyCallRequest>(&json, &["action", "to", "trigger_source"])
            {
                Ok(body) => Call::UpdateMultiPartyCall {
                    phlo_id: param("phlo_id"),
                    node_id: param("node_id"),
                    body,
                },
                Err(reason) => return refuse(shared, StatusCode::BAD_REQUEST, reason),
            }
        }
        "update_multi_party_call_member" => {
            match decode::<types::MemberRequest>(&json, &["action"]) {
                Ok(body) => Call::UpdateMultiPartyCallMember {
                    phlo_id: param("phlo_id"),
                    node_id: param("node_id"),
                    member_address: param("member_address"),
                    body,
                },
                Err(reason) => return refuse(shared, StatusCode::BAD_REQUEST, reason),
            }
        }
        "update_conference_bridge_member" => {
            match decode::<types::ConferenceBridgeMemberRequest>(&json, &["action"]) {
                Ok(body) => Call::UpdateConferenceBridgeMember {
                    phlo_id: param("phlo_id"),
                    node_id: param("node_id"),
                    member_address: param("member_address"),
                    body,
                },
                Err(reason) => return refuse(shared, StatusCode::BAD_REQUEST, reason),
            }
        }
        other => Call::Other {
            operation_id: other.to_string(),
            params: params
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Value::Object(json.clone()),
        },
    };
    let status = if method == Method::POST {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (call, status, example(shared, op, &params))
}

/// The spec's example answer for `op`, with the request's ids and a fresh
/// `api_id` put in.
fn example(shared: &Shared, op: &str, params: &[(&str, &str)]) -> Value {
    let text = OPERATIONS.iter().find(|o| o.0 == op).map_or("{}", |o| o.3);
    let mut value: Value = serde_json::from_str(text).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut value {
        let run_id = api_id(shared);
        for (name, v) in params {
            if map.contains_key(*name) {
                map.insert(name.to_string(), Value::String(v.to_string()));
            }
        }
        if op == "run_phlo" {
            map.insert("api_id".into(), Value::String(run_id.clone()));
            let phlo = params.iter().find(|p| p.0 == "phlo_id").map_or("", |p| p.1);
            map.insert(
                "message".into(),
                Value::String(format!("PHLO {phlo} triggered successfully")),
            );
        } else if map.contains_key("api_id") {
            map.insert("api_id".into(), Value::String(run_id));
        }
    }
    value
}

/// The operation whose method and path template match, from the spec.
fn route(method: &Method, segments: &[&str]) -> Option<(&'static str, &'static str)> {
    OPERATIONS.iter().find_map(|&(op, m, template, _)| {
        let t: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        let matches = m == method.as_str()
            && t.len() == segments.len()
            && t.iter()
                .zip(segments)
                .all(|(t, s)| t.starts_with('{') || t == s);
        matches.then_some((op, template))
    })
}

/// Decodes a body into its generated type, answering as Plivo does:
/// `<param> is a mandatory param.` / `Invalid value provided for <param>.`
fn decode<T: serde::de::DeserializeOwned>(
    json: &serde_json::Map<String, Value>,
    required: &[&str],
) -> Result<T, String> {
    for field in required {
        if !json.contains_key(*field) {
            return Err(format!("{field} is a mandatory param."));
        }
    }
    for (field, value) in json {
        let check: Option<bool> = match field.as_str() {
            "to" | "trigger_source" => Some(value.as_str().is_some_and(crate::Address::is_valid)),
            "role" => Some(
                value
                    .as_str()
                    .is_some_and(|v| types::Role::from_str(v).is_ok()),
            ),
            _ => None,
        };
        if check == Some(false) {
            return Err(format!("Invalid value provided for {field}."));
        }
    }
    serde_json::from_value(Value::Object(json.clone())).map_err(|e| {
        if e.to_string().contains("variant") {
            "Invalid value provided for action.".to_string()
        } else {
            format!("Invalid request: {e}")
        }
    })
}
