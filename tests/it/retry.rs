//! Retries: GETs retry on transient failures; POSTs only when they provably
//! never reached the server. Hit counts at the server prove it.

use std::time::{Duration, Instant};

use plivo_phlo::{
    Error, RetryPolicy, Role,
    mock::{Call, Fault, MockPhlo},
};
use serde_json::json;

fn fast() -> RetryPolicy {
    RetryPolicy::exponential()
        .max_attempts(4)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

#[tokio::test]
async fn get_retries_503_502_504_then_succeeds() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::status(503).body("<html>busy</html>"));
    mock.fail_next(1, Fault::status(502));
    mock.fail_next(1, Fault::status(504).json(json!({})));
    let client = mock.client_builder().retry(fast()).build().unwrap();
    let phlo = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap();
    assert_eq!(phlo.phlo_id, MockPhlo::PHLO_ID);
    assert_eq!(mock.hits(), 4);
}

#[tokio::test]
async fn get_gives_up_after_max_attempts_with_the_last_error() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(10, Fault::status(503));
    let client = mock
        .client_builder()
        .retry(fast().max_attempts(3))
        .build()
        .unwrap();
    let err = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.hits(), 3);
}

#[tokio::test]
async fn get_is_not_retried_on_500_or_404_which_are_not_retryable() {
    for status in [500, 404] {
        let mock = MockPhlo::start().await.unwrap();
        mock.fail_next(10, Fault::status(status));
        let client = mock.client_builder().retry(fast()).build().unwrap();
        let err = client
            .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
            .get()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable(), "status {status}");
        assert_eq!(mock.hits(), 1, "status {status}");
    }
}

/// The policy and `Error::is_retryable` read one list: a GET answered 408
/// (RFC 9110 lets the client repeat it) is retried, and says so.
#[tokio::test]
async fn get_is_retried_on_408_which_is_retryable() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(10, Fault::status(408));
    let client = mock
        .client_builder()
        .retry(fast().max_attempts(2))
        .build()
        .unwrap();
    let err = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(408));
    assert!(err.is_retryable());
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn get_retries_a_read_timeout() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::delay(Duration::from_secs(2)));
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(200))
        .retry(fast())
        .build()
        .unwrap();
    let node = client
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
        .get()
        .await
        .unwrap();
    assert_eq!(node.node_id, MockPhlo::NODE_ID);
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn post_is_resent_after_429_and_lands_once() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(
        1,
        Fault::status(429).json(json!({"api_id": "r", "error": "too many requests"})),
    );
    let client = mock.client_builder().retry(fast()).build().unwrap();
    let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    assert_eq!(mock.hits(), 2);
    let dials = mock
        .calls()
        .into_iter()
        .filter(|c| matches!(c, Call::UpdateMultiPartyCall { .. }))
        .count();
    assert_eq!(
        dials, 2,
        "both requests were recorded; the first was refused with 429"
    );
    assert_eq!(mock.requests()[0].status.map(|s| s.as_u16()), Some(429));
    assert_eq!(mock.requests()[1].status.map(|s| s.as_u16()), Some(201));
}

#[tokio::test]
async fn post_is_never_resent_after_408_500_502_503_or_504() {
    for status in [408, 500, 502, 503, 504] {
        let mock = MockPhlo::start().await.unwrap();
        mock.fail_next(10, Fault::status(status));
        let client = mock.client_builder().retry(fast()).build().unwrap();
        let err = client
            .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
            .member("+14152225555")
            .hangup()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(mock.hits(), 1, "POST answered {status} was re-sent");
    }
}

#[tokio::test]
async fn post_cut_by_a_read_timeout_is_sent_exactly_once() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::delay(Duration::from_secs(2)));
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(200))
        .retry(fast())
        .build()
        .unwrap();
    let err = client
        .phlo(MockPhlo::PHLO_ID)
        .run(json!({"to": "+14152225555"}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(mock.hits(), 1);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::status(429).header("Retry-After", "1"));
    let client = mock.client_builder().retry(fast()).build().unwrap();
    let started = Instant::now();
    client.phlo(MockPhlo::PHLO_ID).get().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_ends_the_retries() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::status(503).header("Retry-After", "120"));
    let client = mock
        .client_builder()
        .retry(fast().max_retry_after(Duration::from_secs(10)))
        .build()
        .unwrap();
    let err = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(mock.hits(), 1);
}

#[tokio::test]
async fn post_is_resent_when_the_connection_was_refused() {
    // Reserve a port, close it, and bring the mock up there only after the
    // first attempt has been refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = plivo_phlo::PhloClient::builder()
        .credentials(MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN)
        .base_url(format!("http://{addr}/v1"))
        .retry(
            RetryPolicy::exponential()
                .max_attempts(2)
                .base_delay(Duration::from_millis(400))
                .jitter(false),
        )
        .build()
        .unwrap();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let (mut socket, _) = listener.accept().await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buf = vec![0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let body = r#"{"api_id":"after-refusal","error":""}"#;
        let reply = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(reply.as_bytes()).await.unwrap();
        1usize
    });
    let answer = client
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
        .add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    assert_eq!(answer.api_id, "after-refusal");
    assert_eq!(server.await.unwrap(), 1);
}
