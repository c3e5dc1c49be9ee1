//! Fault injection: what the server does wrong, and the exact error, status and
//! hit count the client reports. Status/body faults, scripted on MockPhlo;
//! network faults are in `network_faults.rs`.

use std::time::Duration;

use plivo_phlo::{
    Error, PhloClient, RetryPolicy, Role, TransportKind,
    mock::{Fault, MockPhlo},
};
use serde_json::json;

const PHLO: &str = MockPhlo::PHLO_ID;
const NODE: &str = MockPhlo::NODE_ID;

async fn add_user(client: &PhloClient) -> Result<plivo_phlo::types::ActionResponse, Error> {
    client
        .multi_party_call(PHLO, NODE)
        .add_user("+14152225555", Role::Agent, "+14152223333")
        .await
}

/// Runs add_user against a mock answering once with `fault`; returns the
/// error and how many requests reached the mock.
async fn post_fault(fault: Fault) -> (Error, usize) {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, fault);
    let err = add_user(&mock.client())
        .await
        .expect_err("the fault must surface");
    (err, mock.hits())
}

fn api(err: &Error) -> (u16, Option<&str>, Option<&str>, &str) {
    match err {
        Error::Api {
            status,
            api_id,
            message,
            body,
            ..
        } => (
            status.as_u16(),
            api_id.as_deref(),
            message.as_deref(),
            body.as_str(),
        ),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn status_400_json_keeps_api_id_and_message() {
    let (err, hits) = post_fault(
        Fault::status(400).json(json!({"api_id": "e-400", "error": "to is a mandatory param."})),
    )
    .await;
    assert_eq!(
        api(&err),
        (
            400,
            Some("e-400"),
            Some("to is a mandatory param."),
            r#"{"api_id":"e-400","error":"to is a mandatory param."}"#
        )
    );
    assert_eq!(err.api_id(), Some("e-400"));
    assert!(!err.is_retryable());
    assert_eq!(hits, 1);
    assert_eq!(
        err.to_string(),
        "PHLO runner answered 400 Bad Request: to is a mandatory param. [api_id e-400]"
    );
}

#[tokio::test]
async fn status_401_json() {
    let (err, hits) = post_fault(
        Fault::status(401).json(json!({"api_id": "e-401", "error": "Authentication failed."})),
    )
    .await;
    assert_eq!(api(&err).0..=api(&err).0, 401..=401);
    assert_eq!(api(&err).2, Some("Authentication failed."));
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_403_json() {
    let (err, hits) = post_fault(
        Fault::status(403).json(json!({"api_id": "e-403", "error": "PHLO is not enabled"})),
    )
    .await;
    assert_eq!(
        api(&err),
        (
            403,
            Some("e-403"),
            Some("PHLO is not enabled"),
            r#"{"api_id":"e-403","error":"PHLO is not enabled"}"#
        )
    );
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_404_empty_object_keeps_the_status() {
    let (err, hits) = post_fault(Fault::status(404).json(json!({}))).await;
    assert_eq!(api(&err), (404, None, None, "{}"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_404_empty_body_keeps_the_status() {
    let (err, hits) = post_fault(Fault::status(404)).await;
    assert_eq!(api(&err), (404, None, None, ""));
    assert_eq!(
        err.to_string(),
        "PHLO runner answered 404 Not Found with an empty body"
    );
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_405_html() {
    let (err, hits) =
        post_fault(Fault::status(405).body("<html><body>Method Not Allowed</body></html>")).await;
    assert_eq!(
        api(&err),
        (
            405,
            None,
            None,
            "<html><body>Method Not Allowed</body></html>"
        )
    );
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_409_with_message_field() {
    let (err, hits) = post_fault(
        Fault::status(409).json(json!({"api_id": "e-409", "message": "call already transferring"})),
    )
    .await;
    assert_eq!(api(&err).2, Some("call already transferring"));
    assert_eq!(api(&err).0, 409);
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_422_truncated_json_keeps_status_and_excerpt() {
    let (err, hits) = post_fault(Fault::status(422).body(r#"{"api_id": "e-422", "err"#)).await;
    assert_eq!(api(&err), (422, None, None, r#"{"api_id": "e-422", "err"#));
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_429_with_retry_after_is_reported_without_a_retry_policy() {
    let (err, hits) = post_fault(
        Fault::status(429)
            .header("Retry-After", "7")
            .json(json!({"api_id": "e-429", "error": "rate limited"})),
    )
    .await;
    assert_eq!(api(&err).0, 429);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_retryable());
    assert_eq!(hits, 1, "retries are off by default");
}

#[tokio::test]
async fn status_500_json_post_is_sent_once_even_with_retries_on() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(
        5,
        Fault::status(500).json(json!({"api_id": "e-500", "error": "internal error"})),
    );
    let client = mock
        .client_builder()
        .retry(
            RetryPolicy::exponential()
                .max_attempts(5)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let err = add_user(&client).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            500,
            Some("e-500"),
            Some("internal error"),
            r#"{"api_id":"e-500","error":"internal error"}"#
        )
    );
    assert!(err.may_have_reached_server());
    assert_eq!(
        mock.hits(),
        1,
        "a POST answered 500 may have dialled: never re-sent"
    );
}

#[tokio::test]
async fn status_502_html() {
    let (err, hits) =
        post_fault(Fault::status(502).body("<html><h1>502 Bad Gateway</h1></html>")).await;
    assert_eq!(
        api(&err),
        (502, None, None, "<html><h1>502 Bad Gateway</h1></html>")
    );
    assert!(err.is_retryable());
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn status_503_empty_with_http_date_retry_after() {
    let (err, hits) =
        post_fault(Fault::status(503).header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")).await;
    assert_eq!(api(&err), (503, None, None, ""));
    // A date in the past means "now".
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn success_status_with_non_empty_error_is_an_api_error() {
    let (err, hits) = post_fault(
        Fault::status(201).json(json!({"api_id": "e-201", "error": "member not found"})),
    )
    .await;
    assert_eq!(
        api(&err),
        (
            201,
            Some("e-201"),
            Some("member not found"),
            r#"{"api_id":"e-201","error":"member not found"}"#
        )
    );
    assert!(!err.is_retryable());
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn success_status_with_garbage_body_is_a_decode_error() {
    let (err, hits) = post_fault(Fault::status(200).body("<html>welcome</html>")).await;
    match &err {
        Error::Decode { status, body, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert_eq!(body, "<html>welcome</html>");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    for status in [301, 302, 307, 308] {
        let (err, hits) =
            post_fault(Fault::status(status).header("Location", "http://127.0.0.1:9/elsewhere"))
                .await;
        assert_eq!(api(&err).0, status);
        assert_eq!(hits, 1, "a redirected POST must not be re-sent ({status})");
    }
}

#[tokio::test]
async fn get_404_html_keeps_the_status() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::status(404).body("<html>not found</html>"));
    let err = mock.client().phlo(PHLO).get().await.unwrap_err();
    assert_eq!(api(&err), (404, None, None, "<html>not found</html>"));
    assert_eq!(mock.hits(), 1);
}

#[tokio::test]
async fn long_error_bodies_are_cut_to_the_excerpt_limit() {
    let (err, _) = post_fault(Fault::status(500).body("x".repeat(1 << 20))).await;
    assert_eq!(api(&err).3.len(), plivo_phlo::BODY_EXCERPT_LIMIT);
}

#[tokio::test]
async fn slow_headers_end_in_a_timeout_within_the_bound_and_one_hit() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::delay(Duration::from_secs(3)));
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::exponential().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = add_user(&client).await.unwrap_err();
    match &err {
        Error::Transport {
            kind,
            may_have_reached_server,
            ..
        } => {
            assert_eq!(*kind, TransportKind::Timeout);
            assert!(*may_have_reached_server);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // The mock records a request when it answers; give the delayed one time to land.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        mock.hits(),
        1,
        "a POST cut by a read timeout is never re-sent"
    );
}

#[tokio::test]
async fn success_status_with_an_escaped_error_key_is_an_api_error() {
    // `\u0065rror` is `error`: the key is decided on the parsed value.
    let (err, hits) =
        post_fault(Fault::status(200).body(r#"{"api_id":"x","\u0065rror":"not allowed"}"#)).await;
    let (status, api_id, message, _) = api(&err);
    assert_eq!(
        (status, api_id, message),
        (200, Some("x"), Some("not allowed"))
    );
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn success_status_with_fields_of_the_wrong_types_is_a_decode_error() {
    // Only a non-empty string `error` is a refusal; an `error` of another
    // type, or fields of the wrong types, do not match the spec.
    for body in [
        r#"{"api_id":5,"error":[]}"#,
        r#"{"api_id":"x","error":{"code":1}}"#,
        r#"{"api_id":"x","error":7}"#,
        r#"{"api_id":5,"error":""}"#,
    ] {
        let (err, hits) = post_fault(Fault::status(200).body(body)).await;
        match &err {
            Error::Decode {
                status, body: kept, ..
            } => {
                assert_eq!(status.map(|s| s.as_u16()), Some(200), "{body}");
                assert_eq!(kept, body);
            }
            other => panic!("{body}: expected Decode, got {other:?}"),
        }
        assert_eq!(hits, 1);
    }
}
