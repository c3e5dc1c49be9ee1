//! `phlo mock` started as a process: driven by a plain HTTP client and by
//! `phlo` itself, one JSON line per request (never the token in one), a
//! clean stop on SIGINT and SIGTERM, `--host`, and exit 1 when its port is
//! taken.
use crate::support::{Mock, PHLO, code, free_port, phlo, text};
use plivo_phlo::mock::MockPhlo;
use serde_json::{Value, json};
use tokio::process::Command;

fn node_url(base: &str) -> String {
    format!(
        "{base}/phlo/{}/multi_party_call/{}",
        MockPhlo::PHLO_ID,
        MockPhlo::NODE_ID
    )
}

#[tokio::test]
async fn phlo_mock_serves_a_plain_http_client_and_stops_on_ctrl_c() {
    let mut mock = Mock::start(&["--port", "0"]).await;
    let (base, id, token) = (
        mock.field("base_url"),
        mock.field("auth_id"),
        mock.field("auth_token"),
    );
    assert!(id.starts_with("MA") && id.len() == 20, "{id}");
    assert!(token.len() >= 32, "a generated token");

    // Any HTTP client: reqwest here, as curl in the README.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = node_url(&base);
    let body = json!({"action": "call", "to": "+14152225555", "trigger_source": "+14152223333"});
    let answer = http
        .post(&url)
        .basic_auth(&id, Some(&token))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    let refused = http
        .post(&url)
        .basic_auth(&id, Some("wrong"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);

    let first = mock.next().await;
    assert_eq!(first["event"], "request");
    assert_eq!(first["operation_id"], "update_multi_party_call");
    assert_eq!(first["status"], 201);
    assert_eq!(first["body"]["to"], "+14152225555");
    assert!(!first.to_string().contains(&token), "{first}");
    let second = mock.next().await;
    assert_eq!(
        (second["status"].as_u64(), second["rejected"].as_str()),
        (Some(401), Some("Authentication failed."))
    );
    assert_eq!(mock.stop("INT").await, Some(0), "stopped cleanly on Ctrl-C");
}

#[tokio::test]
async fn phlo_mock_stops_cleanly_on_sigterm() {
    let mut mock = Mock::start(&[]).await;
    // It still answers after the listening line, then stops on SIGTERM.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let answer = reqwest::Client::new()
        .get(node_url(&mock.field("base_url")))
        .basic_auth(mock.field("auth_id"), Some(mock.field("auth_token")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(mock.next().await["operation_id"], "get_multi_party_call");
    let mut stderr = mock.child.stderr.take().unwrap();
    assert_eq!(
        mock.stop("TERM").await,
        Some(0),
        "stopped cleanly on SIGTERM"
    );
    let mut said = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut said)
        .await
        .unwrap();
    assert!(said.contains("SIGTERM, stopping"), "{said}");
    assert!(said.contains("stopped after 1 requests"), "{said}");
}

#[tokio::test]
async fn phlo_drives_phlo_mock_on_a_chosen_host_port_and_credentials() {
    // 127.0.0.2 is loopback too, but not the default: the flag is obeyed.
    let (id, token) = ("MAFIXEDFIXEDFIXED001", "fixed-test-token-7d41");
    let port = free_port("127.0.0.2");
    let port_text = port.to_string();
    let mut mock = Mock::start(&[
        "--host",
        "127.0.0.2",
        "--port",
        &port_text,
        "--auth-id",
        id,
        "--auth-token",
        token,
    ])
    .await;
    let base = format!("http://127.0.0.2:{port}/v1");
    assert_eq!(
        mock.listening,
        json!({"event": "listening", "base_url": base, "auth_id": id, "auth_token": token})
    );

    let add_user = [
        "mpc",
        "add-user",
        "--phlo",
        MockPhlo::PHLO_ID,
        "--node",
        MockPhlo::NODE_ID,
        "--to",
        "+14152225555",
        "--trigger-source",
        "+14152223333",
    ];
    let mut command = phlo("");
    command
        .env_remove("PLIVO_PHLO_URL")
        .env("PLIVO_AUTH_ID", id)
        .env("PLIVO_AUTH_TOKEN", token)
        .args(["--base-url", &base]);
    let output = command.args(add_user).output().await.unwrap();
    crate::support::assert_no_token(&output, token);
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["error"], "", "{answer}");

    let line = mock.next().await;
    assert!(!line.to_string().contains(token), "{line}");
    assert_eq!(line["method"], "POST");
    assert_eq!(
        line["path"],
        format!(
            "/v1/phlo/{}/multi_party_call/{}",
            MockPhlo::PHLO_ID,
            MockPhlo::NODE_ID
        )
    );
    assert_eq!(
        (&line["operation_id"], &line["status"]),
        (&json!("update_multi_party_call"), &json!(201))
    );
    assert_eq!(
        line["body"],
        json!({"action": "call", "to": "+14152225555", "role": "agent", "trigger_source": "+14152223333"})
    );

    // The default credentials are not accepted: these are the only ones.
    let mut command = phlo(&base);
    let output = command.args(add_user).output().await.unwrap();
    assert_eq!(code(&output), 3, "{}", text(&output.stderr));
    let line = mock.next().await;
    assert_eq!(line["status"], 401, "{line}");
    assert!(!line.to_string().contains(MockPhlo::AUTH_TOKEN), "{line}");
    assert_eq!(mock.stop("INT").await, Some(0));
}

#[tokio::test]
async fn phlo_mock_exits_1_when_its_port_is_taken() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(PHLO)
        .args(["mock", "--port", &port])
        .env_clear()
        .output()
        .await
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "no listening line");
    // And a credential it cannot serve is invalid input.
    let output = Command::new(PHLO)
        .args(["mock", "--auth-id", "not an id"])
        .env_clear()
        .output()
        .await
        .unwrap();
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    drop(taken);
}

#[tokio::test]
async fn phlo_mock_keeps_serving_when_nobody_reads_its_stdout() {
    // The listening line is read, then stdout never again: the pipe fills
    // after a few hundred request lines.
    let mock = Mock::start(&[]).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let url = node_url(&mock.field("base_url"));
    for n in 0..600 {
        let answer = http
            .get(&url)
            .basic_auth(mock.field("auth_id"), Some(mock.field("auth_token")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {n}: {e}"));
        assert_eq!(answer.status().as_u16(), 200, "request {n}");
    }
    assert_eq!(
        mock.stop("INT").await,
        Some(0),
        "and it still stops cleanly"
    );
}

#[tokio::test]
async fn phlo_mock_on_every_address_prints_a_url_clients_accept() {
    let mock = Mock::start(&["--host", "0.0.0.0"]).await;
    let base = mock.field("base_url");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    // The library's own client takes it as it is (loopback, plain http).
    let client = plivo_phlo::PhloClient::builder()
        .credentials(mock.field("auth_id"), mock.field("auth_token"))
        .base_url(&base)
        .build()
        .unwrap();
    let phlo = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap();
    assert_eq!(phlo.phlo_id, MockPhlo::PHLO_ID);
    assert_eq!(mock.stop("TERM").await, Some(0));
}

#[tokio::test]
async fn phlo_mock_posts_signed_events_to_its_callback_url() {
    use http_body_util::{BodyExt as _, Full};
    use hyper::{body::Bytes, server::conn::http1, service::service_fn};
    use plivo_phlo::{callback::Receiver, types::MultiPartyCallEventName};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/events", listener.local_addr().unwrap());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let tx = tx.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    let body = body
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default();
                    let _ = tx.send((parts.method, parts.headers, body));
                    Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::new())))
                }
            });
            tokio::spawn(
                http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    let token = "a-test-token-for-the-callback-test";
    let mut mock = Mock::start(&["--auth-token", token, "--callback-url", &hook]).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let answer = reqwest::Client::new()
        .post(node_url(&mock.field("base_url")))
        .basic_auth(mock.field("auth_id"), Some(token))
        .json(&json!({"action": "call", "to": "+14152225555", "trigger_source": "+14152223333"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    let (method, headers, body) =
        tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
    let event = Receiver::new(token)
        .multi_party_call_event(&method, &hook, &headers, &body)
        .unwrap();
    assert_eq!(event.event, MultiPartyCallEventName::ConferenceEnter);
    assert_eq!(event.to.as_deref(), Some("+14152225555"));
    assert_eq!(mock.next().await["operation_id"], "update_multi_party_call");
    assert_eq!(mock.stop("TERM").await, Some(0));
}

#[tokio::test]
async fn phlo_mock_refuses_a_callback_url_it_cannot_post_to() {
    let out = Command::new(PHLO)
        .args(["mock", "--callback-url", "https://example.com/events"])
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--callback-url"),
        "{}",
        text(&out.stderr)
    );
}
