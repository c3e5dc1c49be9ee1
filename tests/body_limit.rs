//! Every answer's body is bounded: a server streaming 200 MB gets a typed
//! error that keeps the status, never an `Ok`, and the client's memory stays
//! flat. (One test in its own binary, so the peak-memory figure is its own.)

use std::time::Duration;

use plivo_phlo::{Error, PhloClient};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const TOTAL: usize = 200 * 1024 * 1024;

/// Answers each connection with `status` and a 200 MB JSON-ish body,
/// chunked or with a Content-Length, until the client goes away. Returns
/// the base URL.
async fn streaming_server(status: &'static str, chunked: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head).await;
                let length = if chunked {
                    "Transfer-Encoding: chunked".to_string()
                } else {
                    format!("Content-Length: {TOTAL}")
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{length}\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let block = vec![b'x'; 64 * 1024];
                let frame = if chunked {
                    let mut frame = format!("{:x}\r\n", block.len()).into_bytes();
                    frame.extend_from_slice(&block);
                    frame.extend_from_slice(b"\r\n");
                    frame
                } else {
                    block.clone()
                };
                let mut sent = 0;
                while sent < TOTAL && stream.write_all(&frame).await.is_ok() {
                    sent += block.len();
                }
            });
        }
    });
    format!("http://{addr}/v1")
}

/// The process's peak resident set (VmHWM), in KiB.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn client(base: &str) -> PhloClient {
    PhloClient::builder()
        .credentials("MAXXXXXXXXXXXXXXXXXX", "token")
        .base_url(base)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_answer_is_refused_with_its_status_and_bounded_memory() {
    let before = peak_kib();
    for chunked in [true, false] {
        let base = streaming_server("200 OK", chunked).await;
        let err = client(&base)
            .phlo("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20")
            .get()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit, .. } if limit == plivo_phlo::DEFAULT_MAX_BODY_SIZE),
            "chunked {chunked}: {err:?}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        // A Display snapshot, on purpose: the sentence a user reads.
        assert_eq!(
            err.to_string(),
            "the PHLO runner's 200 OK answer is larger than the 1048576-byte body limit; \
             it was not read"
        );

        // An error body of 200 MB: the status and an excerpt, nothing more.
        let base = streaming_server("500 Internal Server Error", chunked).await;
        let err = client(&base)
            .multi_party_call("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "n1")
            .member("+14152225555")
            .hold()
            .await
            .unwrap_err();
        match &err {
            Error::Api { status, body, .. } => {
                assert_eq!(status.as_u16(), 500);
                assert_eq!(body.len(), plivo_phlo::BODY_EXCERPT_LIMIT);
            }
            other => panic!("chunked {chunked}: {other:?}"),
        }
    }
    // Far below the 200 MB a client that buffered the body would hold
    // (~211 MiB peak was measured before the limit).
    assert!(
        before.is_some() || !cfg!(target_os = "linux"),
        "VmHWM unreadable"
    );
    if let (Some(before), Some(after)) = (before, peak_kib()) {
        let grown_mib = (after.saturating_sub(before)) / 1024;
        eprintln!("peak memory grew by {grown_mib} MiB (from {before} KiB)");
        assert!(grown_mib < 24, "peak memory grew by {grown_mib} MiB");
    }
}
