//! Per-call options and answer metadata on the wire (MockPhlo): a per-call
//! timeout, extra headers, extra body and query fields (refused before any
//! I/O when they collide), fields the spec does not describe kept, and the
//! metadata of 200 and 201 answers, on every layer.

use std::time::Duration;

use plivo_phlo::{
    CallOptions, Error, PhloClient, ResponseSlot, RetryPolicy, Role, TransportKind,
    mock::{Fault, MockPhlo},
    reqwest::{Method, StatusCode},
};
use serde_json::{Value, json};

const PHLO: &str = MockPhlo::PHLO_ID;
const NODE: &str = MockPhlo::NODE_ID;

async fn add_user(client: &PhloClient) -> Result<plivo_phlo::types::ActionResponse, Error> {
    client
        .multi_party_call(PHLO, NODE)
        .add_user("+14152225555", Role::Agent, "+14152223333")
        .await
}

fn body_of(mock: &MockPhlo) -> Value {
    let requests = mock.requests();
    let last = requests.last().expect("a request arrived");
    serde_json::from_slice(&last.body).unwrap()
}

#[tokio::test]
async fn a_per_call_timeout_fires_where_the_clients_would_not() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client(); // 30 s default timeout
    mock.fail_next(1, Fault::delay(Duration::from_millis(800)));
    let fast = client.with_options(CallOptions::new().timeout(Duration::from_millis(150)));
    let err = add_user(&fast).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    // The same delay with the client's own timeout succeeds.
    mock.fail_next(1, Fault::delay(Duration::from_millis(300)));
    add_user(&client).await.unwrap();
}

#[tokio::test]
async fn an_extra_header_arrives_on_every_layer() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client().with_options(
        CallOptions::new()
            .header("X-Request-Id", "req-7f3c")
            .header("X-Tag", "a")
            .header("x-tag", "b"),
    );
    add_user(&client).await.unwrap();
    client
        .operations()
        .get_phlo(&PHLO.parse().unwrap())
        .await
        .unwrap();
    let _: Value = client
        .request(Method::GET, "/phlo/{phlo_id}", &[PHLO], None::<&()>)
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.headers["x-request-id"], "req-7f3c", "{}", r.path);
        let tags: Vec<_> = r.headers.get_all("x-tag").iter().collect();
        assert_eq!(tags, ["a", "b"], "{}", r.path);
    }
}

#[tokio::test]
async fn refused_headers_send_nothing() {
    let mock = MockPhlo::start().await.unwrap();
    for (name, value) in [
        ("Authorization", "Basic eA=="),
        ("host", "evil.example"),
        ("Content-Length", "3"),
        ("User-Agent", "me"),
        ("Accept", "text/html"),
        ("bad name", "x"),
        ("X-Ok", "line\nbreak"),
    ] {
        let client = mock
            .client()
            .with_options(CallOptions::new().header(name, value));
        let err = add_user(&client).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "header",
                    ..
                }
            ),
            "{name}: {err:?}"
        );
    }
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn an_extra_body_field_arrives_and_a_colliding_one_is_refused() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    let extra = client.with_options(CallOptions::new().extra_body(json!({"ring_timeout": 20})));
    add_user(&extra).await.unwrap();
    let body = body_of(&mock);
    assert_eq!(body["ring_timeout"], 20);
    assert_eq!(body["action"], "call");

    mock.reset();
    for options in [
        CallOptions::new().extra_body(json!({"to": "+14155550000"})),
        CallOptions::new().extra_body(json!(["not", "an", "object"])),
        CallOptions::new().extra_body(json!(7)),
    ] {
        let err = add_user(&client.with_options(options)).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "extra_body",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    // Extra body on an operation without one.
    let err = client
        .with_options(CallOptions::new().extra_body(json!({"x": 1})))
        .phlo(PHLO)
        .get()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidInput {
            field: "extra_body",
            ..
        }
    ));
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn an_extra_query_field_arrives() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock
        .client()
        .with_options(CallOptions::new().extra_query("trace", "1"));
    client.phlo(PHLO).get().await.unwrap();
    assert!(mock.requests()[0].path.ends_with("?trace=1"));
}

#[tokio::test]
async fn metadata_of_a_201_and_a_200() {
    let mock = MockPhlo::start().await.unwrap();
    let slot = ResponseSlot::new();
    let client = mock
        .client()
        .with_options(CallOptions::new().capture_response(&slot));
    let answer = add_user(&client).await.unwrap();
    let meta = slot.take().expect("recorded");
    assert_eq!(meta.status, StatusCode::CREATED);
    assert_eq!(meta.attempts, 1);
    assert_eq!(meta.api_id.as_deref(), Some(answer.api_id.as_str()));
    assert_eq!(meta.headers["content-type"], "application/json");
    assert!(meta.elapsed > Duration::ZERO);

    mock.fail_next(
        1,
        Fault::status(200)
            .json(json!({"api_id": "a-200", "error": ""}))
            .header("X-Plivo-Signature", "sig"),
    );
    add_user(&client).await.unwrap();
    let meta = slot.take().unwrap();
    assert_eq!(meta.status, StatusCode::OK);
    assert_eq!(meta.api_id.as_deref(), Some("a-200"));
    assert_eq!(meta.headers["x-plivo-signature"], "sig");
}

#[tokio::test]
async fn attempts_are_counted_under_a_per_call_retry_policy() {
    let mock = MockPhlo::start().await.unwrap();
    let slot = ResponseSlot::new();
    let client = mock.client().with_options(
        CallOptions::new()
            .retry(
                RetryPolicy::exponential()
                    .max_attempts(3)
                    .base_delay(Duration::from_millis(1)),
            )
            .capture_response(&slot),
    );
    mock.fail_next(1, Fault::status(503));
    client.phlo(PHLO).get().await.unwrap();
    assert_eq!(slot.take().unwrap().attempts, 2);
    // A POST that may have reached Plivo is still sent once.
    mock.reset();
    mock.fail_next(1, Fault::status(503));
    add_user(&client).await.unwrap_err();
    assert_eq!(mock.hits(), 1);
}

#[tokio::test]
async fn an_unknown_response_field_is_kept() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(
        1,
        Fault::status(201).json(json!({"api_id": "a-1", "error": "", "queue_position": 3})),
    );
    let mpc = mock.client().multi_party_call(PHLO, NODE);
    let prepared = mpc
        .prepare(
            plivo_phlo::types::MultiPartyCallAction::Call,
            "+14152225555",
            Role::Agent,
            "+14152223333",
        )
        .unwrap();
    let (answer, meta) = prepared
        .send_with_response::<plivo_phlo::types::ActionResponse>()
        .await
        .unwrap();
    assert_eq!(answer.api_id, "a-1");
    assert_eq!(meta.field("queue_position"), Some(&json!(3)));
    assert_eq!(meta.status, StatusCode::CREATED);
}

#[tokio::test]
async fn with_response_gives_the_typed_value_and_its_metadata_from_a_wrapper() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(
        1,
        Fault::status(200).json(json!({"api_id": "a-2", "error": "", "new_field": [1]})),
    );
    let client = mock
        .client()
        .with_options(CallOptions::new().header("X-Request-Id", "r-9"));
    // Spawned: the future is Send.
    let (answer, meta) = tokio::spawn(async move {
        client
            .with_response(async |c| add_user(c).await)
            .await
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(answer.api_id, "a-2");
    assert_eq!(meta.status, StatusCode::OK);
    assert_eq!(meta.field("new_field"), Some(&json!([1])));
    // The view's own options still applied.
    assert_eq!(mock.requests()[0].headers["x-request-id"], "r-9");
}

#[tokio::test]
async fn an_api_error_keeps_headers_with_credentials_redacted() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(
        1,
        Fault::status(500)
            .json(json!({"api_id": "e-1", "error": "boom"}))
            .header("Authorization", "Basic c2VjcmV0")
            .header("X-Trace", "t-1"),
    );
    let err = add_user(&mock.client()).await.unwrap_err();
    let headers = err.headers().expect("an API error");
    assert_eq!(headers["authorization"], "** redacted **");
    assert_eq!(headers["x-trace"], "t-1");
}
