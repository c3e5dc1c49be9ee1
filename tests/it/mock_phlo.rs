//! MockPhlo answers like the PHLO runner: spec examples for good requests,
//! Plivo-shaped 400/401/404 for what production would refuse.

use plivo_phlo::mock::{Call, Fault, MockPhlo};
use serde_json::{Value, json};
use std::time::Duration;

const MPC: &str = "/v1/phlo/4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20/multi_party_call/2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";

/// Sends a raw request, as a buggy client might, and returns status and JSON.
async fn raw(
    mock: &MockPhlo,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    auth: bool,
) -> (u16, Value) {
    // A plain reqwest client needs a process-wide TLS provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request =
        reqwest::Client::new().request(method, format!("http://{}{path}", mock.addr()));
    if auth {
        request = request.basic_auth(MockPhlo::AUTH_ID, Some(MockPhlo::AUTH_TOKEN));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn plivo_error(body: &Value) -> &str {
    assert!(
        body["api_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    body["error"].as_str().unwrap()
}

#[tokio::test]
async fn missing_fields_get_plivos_mandatory_param_error() {
    let mock = MockPhlo::start().await.unwrap();
    for (body, message) in [
        (
            json!({"action": "call", "trigger_source": "+14152223333"}),
            "to is a mandatory param.",
        ),
        (
            json!({"action": "call", "to": "+14152225555"}),
            "trigger_source is a mandatory param.",
        ),
        (
            json!({"to": "+14152225555", "trigger_source": "+14152223333"}),
            "action is a mandatory param.",
        ),
    ] {
        let (status, answer) = raw(&mock, reqwest::Method::POST, MPC, Some(body), true).await;
        assert_eq!(status, 400);
        assert_eq!(plivo_error(&answer), message);
    }
    assert!(
        mock.calls()
            .iter()
            .all(|c| matches!(c, Call::Rejected { .. }))
    );
}

#[tokio::test]
async fn invalid_values_get_plivos_invalid_value_error() {
    let mock = MockPhlo::start().await.unwrap();
    for (body, message) in [
        (
            json!({"action": "call", "to": "++1", "trigger_source": "+14152223333"}),
            "Invalid value provided for to.",
        ),
        (
            json!({"action": "call", "to": "+14152225555", "trigger_source": "+14152223333", "role": "boss"}),
            "Invalid value provided for role.",
        ),
        (
            json!({"action": "hold", "to": "+14152225555", "trigger_source": "+14152223333"}),
            "Invalid value provided for action.",
        ),
    ] {
        let (status, answer) = raw(&mock, reqwest::Method::POST, MPC, Some(body), true).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(plivo_error(&answer), message);
    }
    let (status, answer) = raw(
        &mock,
        reqwest::Method::POST,
        &format!("{MPC}/members/+14152225555"),
        Some(json!({"action": "mute"})),
        true,
    )
    .await;
    assert_eq!(
        (status, plivo_error(&answer)),
        (400, "Invalid value provided for action.")
    );
}

#[tokio::test]
async fn bad_credentials_routes_and_encodings_are_refused() {
    let mock = MockPhlo::start().await.unwrap();
    let good = json!({"action": "hold"});
    let (status, answer) = raw(
        &mock,
        reqwest::Method::POST,
        &format!("{MPC}/members/+14152225555"),
        Some(good.clone()),
        false,
    )
    .await;
    assert_eq!(
        (status, plivo_error(&answer)),
        (401, "Authentication failed.")
    );
    // A percent-encoded member address is not what Plivo expects.
    let (status, _) = raw(
        &mock,
        reqwest::Method::POST,
        &format!("{MPC}/members/%2B14152225555"),
        Some(good.clone()),
        true,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = raw(&mock, reqwest::Method::DELETE, MPC, None, true).await;
    assert_eq!(status, 404);
    let (status, _) = raw(&mock, reqwest::Method::GET, "/v1/nowhere", None, true).await;
    assert_eq!(status, 404);
    assert_eq!(mock.hits(), 4);
}

#[tokio::test]
async fn good_requests_get_the_spec_examples_with_their_ids() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    let phlo = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap();
    assert_eq!(phlo.name, "Inbound support line");
    let other = "0a1b2c3d-0000-4000-8000-000000000001";
    let node = client
        .multi_party_call(other, "node_7")
        .get()
        .await
        .unwrap();
    assert_eq!(
        (node.phlo_id.as_str(), node.node_id.as_str()),
        (other, "node_7")
    );
    let run = client
        .phlo(other)
        .run(json!({"customerName": "Ada"}))
        .await
        .unwrap();
    assert_eq!(
        run.message.as_deref(),
        Some(format!("PHLO {other} triggered successfully").as_str())
    );
    let details = client.phlo(other).get_run(&run.api_id).await.unwrap();
    assert_eq!(details.run_id, run.api_id);
    match &mock.calls()[2] {
        Call::RunPhlo { auth_id, body, .. } => {
            assert_eq!(auth_id, MockPhlo::AUTH_ID);
            let body = body.as_ref().expect("the run had a body");
            assert_eq!(body.0, *json!({"customerName": "Ada"}).as_object().unwrap());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn scripted_faults_apply_to_the_next_n_calls_in_order() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(2, Fault::status(503));
    mock.fail_next(1, Fault::delay(Duration::from_millis(50)));
    let client = mock.client();
    let phlo = client.phlo(MockPhlo::PHLO_ID);
    assert_eq!(
        phlo.get().await.unwrap_err().status().map(|s| s.as_u16()),
        Some(503)
    );
    assert_eq!(
        phlo.get().await.unwrap_err().status().map(|s| s.as_u16()),
        Some(503)
    );
    phlo.get().await.unwrap();
    phlo.get().await.unwrap();
    let statuses: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.status.map(|s| s.as_u16()))
        .collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200), Some(200)]);
    assert_eq!(mock.connections(), 1, "one kept-alive connection");
    mock.reset();
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn the_mock_reads_at_most_a_mebibyte_and_keeps_a_bounded_log() {
    let mock = MockPhlo::start().await.unwrap();
    // A body past the limit is refused 413, not read into memory.
    let huge = json!({"action": "call", "to": "x".repeat(plivo_phlo::mock::MAX_REQUEST_BODY)});
    let (status, body) = raw(&mock, reqwest::Method::POST, MPC, Some(huge), true).await;
    assert_eq!(status, 413);
    assert_eq!(plivo_error(&body), "Request body too large.");
    let recorded = mock.requests();
    assert!(recorded[0].body.is_empty(), "the body was not kept");
    assert!(
        matches!(&recorded[0].call, Call::Rejected { reason } if reason == "Request body too large.")
    );

    // The log keeps the newest; hits() counts them all.
    mock.reset();
    mock.set_record_limit(3);
    for n in 0..5 {
        let path = format!("/v1/phlo/{}/runs/run-{n}", MockPhlo::PHLO_ID);
        assert_eq!(
            raw(&mock, reqwest::Method::GET, &path, None, true).await.0,
            200
        );
    }
    assert_eq!(mock.hits(), 5);
    let paths: Vec<String> = mock.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 3);
    assert!(
        paths[0].ends_with("/runs/run-2") && paths[2].ends_with("/runs/run-4"),
        "{paths:?}"
    );
    // Statuses still land on the right record once older ones are gone.
    assert!(
        mock.requests()
            .iter()
            .all(|r| r.status.map(|s| s.as_u16()) == Some(200))
    );
}

#[tokio::test]
async fn reset_forgets_records_and_unused_faults_but_keeps_routes() {
    let mock = MockPhlo::start().await.unwrap();
    mock.on(
        reqwest::Method::GET,
        "/phlo/{phlo_id}/notes",
        Fault::status(200).json(json!({"n": 1})),
    );
    mock.fail_next(2, Fault::status(503));
    mock.reset();
    let path = format!("/v1/phlo/{}", MockPhlo::PHLO_ID);
    assert_eq!(
        raw(&mock, reqwest::Method::GET, &path, None, true).await.0,
        200,
        "no fault left"
    );
    let notes = format!("/v1/phlo/{}/notes?limit=2", MockPhlo::PHLO_ID);
    let (status, body) = raw(&mock, reqwest::Method::GET, &notes, None, true).await;
    assert_eq!((status, body), (200, json!({"n": 1})), "the route stays");
    assert_eq!(
        mock.requests()[1].path,
        notes,
        "the query is recorded as sent"
    );
    // A query value never rewrites the example answer (its `error` is "").
    let member = format!("{MPC}/members/+14152225555?error=x");
    let hold = Some(json!({"action": "hold"}));
    let (status, body) = raw(&mock, reqwest::Method::POST, &member, hold, true).await;
    assert_eq!(status, 201);
    assert_eq!(body["error"], "", "{body}");
}

#[tokio::test]
async fn a_mock_on_every_address_hands_out_a_loopback_client() {
    let mock = MockPhlo::serve(("0.0.0.0", 0), MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN)
        .await
        .unwrap();
    let port = mock.addr().port();
    assert_eq!(mock.base_url(), format!("http://127.0.0.1:{port}/v1"));
    let node = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
        .get()
        .await
        .unwrap();
    assert!(node.name.is_some());
    // `::` where this machine has IPv6.
    if let Ok(mock) = MockPhlo::serve(("::", 0), MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN).await {
        let port = mock.addr().port();
        assert_eq!(mock.base_url(), format!("http://[::1]:{port}/v1"));
        let _client = mock.client();
    }
}

#[tokio::test]
async fn a_mock_refuses_credentials_no_client_could_send() {
    for (auth_id, token, field) in [
        ("XX123", MockPhlo::AUTH_TOKEN, "auth_id"),
        ("", MockPhlo::AUTH_TOKEN, "auth_id"),
        (MockPhlo::AUTH_ID, "", "auth_token"),
    ] {
        let err = MockPhlo::serve(("127.0.0.1", 0), auth_id, token)
            .await
            .expect_err("refused before it listens");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{auth_id:?}");
        let inner = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<plivo_phlo::Error>());
        match inner {
            Some(plivo_phlo::Error::InvalidInput { field: f, .. }) => {
                assert_eq!(*f, field, "{auth_id:?}")
            }
            other => panic!("{auth_id:?}: expected Error::InvalidInput, got {other:?}"),
        }
    }
}
