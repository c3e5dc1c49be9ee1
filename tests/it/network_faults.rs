//! Network faults: a raw TCP server does what an HTTP mock cannot fake (a
//! body cut off, a connection closed or reset mid-answer, nothing
//! listening), and each test asserts the exact error, status and hit count.

use std::time::Duration;

use plivo_phlo::{Error, PhloClient, RetryPolicy, Role, TransportKind, mock::MockPhlo};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const PHLO: &str = MockPhlo::PHLO_ID;

async fn add_user(client: &PhloClient) -> Result<plivo_phlo::types::ActionResponse, Error> {
    client
        .multi_party_call(PHLO, MockPhlo::NODE_ID)
        .add_user("+14152225555", Role::Agent, "+14152223333")
        .await
}

/// A raw HTTP/1.1 server: for each accepted connection, reads the request head
/// and body, then runs `respond` on the socket. Returns the base URL and a
/// counter of accepted connections.
async fn raw_server<F, Fut>(respond: F) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let respond = std::sync::Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                // Read until the head and the Content-Length body are in.
                loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                respond(socket).await;
            });
        }
    });
    (url, hits)
}

fn client_for(url: &str, timeout: Duration) -> PhloClient {
    PhloClient::builder()
        .credentials(MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN)
        .base_url(url)
        .timeout(timeout)
        .retry(
            RetryPolicy::exponential()
                .max_attempts(4)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn slow_body_ends_in_a_timeout_that_keeps_the_status() {
    let (url, hits) = raw_server(|mut socket| async move {
        let _ = socket.write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n{\"api_id\":").await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await;
    let err = add_user(&client_for(&url, Duration::from_millis(400)))
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            kind,
            may_have_reached_server,
            status,
            ..
        } => {
            assert_eq!(*kind, TransportKind::Timeout);
            assert!(*may_have_reached_server);
            assert_eq!(status.map(|s| s.as_u16()), Some(201));
        }
        other => panic!("expected a body timeout, got {other:?}"),
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connection_reset_mid_body_is_a_reset_sent_once() {
    let (url, hits) = raw_server(|mut socket| async move {
        let _ = socket.write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"api_id\":\"x").await;
        let _ = socket.shutdown().await;
    })
    .await;
    let err = add_user(&client_for(&url, Duration::from_secs(5)))
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            kind,
            may_have_reached_server,
            status,
            ..
        } => {
            assert_eq!(*kind, TransportKind::Reset, "{err:?}");
            assert!(*may_have_reached_server);
            assert_eq!(status.map(|s| s.as_u16()), Some(201));
        }
        other => panic!("expected a reset, got {other:?}"),
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn get_cut_mid_body_is_retried_up_to_max_attempts() {
    let (url, hits) = raw_server(|mut socket| async move {
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"phlo_id\":")
            .await;
        let _ = socket.shutdown().await;
    })
    .await;
    let err = client_for(&url, Duration::from_secs(5))
        .phlo(PHLO)
        .get()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Reset,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        4,
        "a GET is safe to re-send"
    );
}

#[tokio::test]
async fn connection_closed_before_any_answer_is_a_reset_sent_once() {
    let (url, hits) = raw_server(|socket| async move { drop(socket) }).await;
    let err = add_user(&client_for(&url, Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Reset,
                may_have_reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the request was sent: never again"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_that_never_reached_the_server() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let client = PhloClient::builder()
        .credentials(MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN)
        .base_url(url)
        .build()
        .unwrap();
    let err = add_user(&client).await.unwrap_err();
    match &err {
        Error::Transport {
            kind,
            may_have_reached_server,
            status,
            ..
        } => {
            assert_eq!(*kind, TransportKind::Connect);
            assert!(!*may_have_reached_server);
            assert_eq!(*status, None);
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert!(err.is_retryable());
    // A Display snapshot, on purpose: the sentence a user reads.
    assert_eq!(
        err.to_string(),
        "connect error talking to the PHLO runner (the request did not reach Plivo)"
    );
}
