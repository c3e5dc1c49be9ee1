//! Secrets never leak, and configuration errors are typed, never panics.

use plivo_phlo::{Error, PhloClient, RetryPolicy, mock::MockPhlo};

const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
const TOKEN: &str = "tok-SUPERSECRET-123";
/// base64("MAXXXXXXXXXXXXXXXXXX:tok-SUPERSECRET-123")
const BASIC: &str = "TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rLVNVUEVSU0VDUkVULTEyMw==";

fn assert_clean(text: &str) {
    assert!(!text.contains("SUPERSECRET"), "token leaked: {text}");
    assert!(!text.contains(BASIC), "Authorization value leaked: {text}");
}

/// Not even a piece: no 6 characters in a row of the token, or of the
/// part of the Authorization value that encodes it.
fn assert_no_fragment(text: &str) {
    let encoded = &BASIC[27..];
    for secret in [TOKEN, encoded] {
        for window in secret.as_bytes().windows(6) {
            let piece = std::str::from_utf8(window).unwrap();
            assert!(
                !text.contains(piece),
                "{piece:?} of a secret leaked: {text}"
            );
        }
    }
}

#[test]
fn builder_debug_is_redacted_exactly() {
    let builder = PhloClient::builder()
        .credentials(AUTH_ID, TOKEN)
        .base_url("http://127.0.0.1:9/v1");
    assert_eq!(
        format!("{builder:?}"),
        "PhloClientBuilder { auth_id: Some(\"MAXXXXXXXXXXXXXXXXXX\"), auth_token: Some(\"** redacted **\"), \
         base_url: Some(\"http://127.0.0.1:9/v1\"), server_urls: [], timeout: None, connect_timeout: None, allow_http: false, \
         retry: RetryPolicy { max_attempts: 1, base_delay: 200ms, max_delay: 5s, jitter: true, max_retry_after: 30s }, \
         max_body_size: None, record_personal_data: false }"
    );
    // With the arguments swapped, the "auth_id" is the token: masked too.
    let swapped = PhloClient::builder().credentials(TOKEN, AUTH_ID);
    assert_clean(&format!("{swapped:?}"));
    assert!(
        format!("{swapped:?}").contains(r#"auth_id: Some("to… (19 characters)")"#),
        "{swapped:?}"
    );
}

#[test]
fn client_debug_is_redacted_exactly() {
    let client = PhloClient::builder()
        .credentials(AUTH_ID, TOKEN)
        .base_url("http://127.0.0.1:9/v1/")
        .build()
        .unwrap();
    assert_eq!(
        format!("{client:?}"),
        "PhloClient { auth_id: \"MAXXXXXXXXXXXXXXXXXX\", auth_token: \"** redacted **\", \
         servers: [\"http://127.0.0.1:9/v1\"], \
         retry: RetryPolicy { max_attempts: 1, base_delay: 200ms, max_delay: 5s, jitter: true, max_retry_after: 30s }, \
         max_body_size: 1048576, record_personal_data: false, call_options: None }"
    );
    assert_clean(&format!("{client:#?}"));
    // A view's options show header names, never their values.
    let view = client.with_options(
        plivo_phlo::CallOptions::new()
            .header("X-Api-Key", "hdr-secret-value")
            .extra_body(serde_json::json!({"pin": "4321"})),
    );
    let debug = format!("{view:?}");
    assert!(debug.contains("\"X-Api-Key\""), "{debug}");
    assert!(
        !debug.contains("hdr-secret-value") && !debug.contains("4321"),
        "{debug}"
    );
    // The generated client's Debug includes reqwest's default headers: the
    // Authorization value is marked sensitive and shows as such.
    #[cfg(feature = "unguarded")]
    {
        let generated = format!("{:?}", client.generated());
        assert_clean(&generated);
        assert!(generated.contains("Sensitive"), "{generated}");
    }
}

#[tokio::test]
async fn errors_do_not_carry_the_token() {
    let mock = MockPhlo::start().await.unwrap();
    // A transport error (refused), an API error (401 from the mock, which
    // expects other credentials), and an input error.
    let refused = PhloClient::builder()
        .credentials(AUTH_ID, TOKEN)
        .base_url("http://127.0.0.1:1/v1")
        .build()
        .unwrap();
    let wrong = PhloClient::builder()
        .credentials(AUTH_ID, TOKEN)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let errors: Vec<Error> = vec![
        refused.phlo(MockPhlo::PHLO_ID).get().await.unwrap_err(),
        wrong.phlo(MockPhlo::PHLO_ID).get().await.unwrap_err(),
        wrong.phlo("../x").get().await.unwrap_err(),
    ];
    assert_eq!(errors[1].status().map(|s| s.as_u16()), Some(401));
    for e in &errors {
        assert_clean(&format!("{e}"));
        assert_clean(&format!("{e:?}"));
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            assert_clean(&format!("{s} {s:?}"));
            source = s.source();
        }
    }
    // The mock saw the credentials on the wire, where they belong.
    let sent = mock.requests()[0].headers["authorization"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(sent, format!("Basic {BASIC}"));
}

fn config_error(builder: plivo_phlo::PhloClientBuilder) -> (&'static str, String, String) {
    match builder.build() {
        Err(Error::InvalidInput {
            field,
            value,
            reason,
        }) => (field, value, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn bad_configuration_is_a_typed_error_naming_the_setting() {
    let ok = || PhloClient::builder().credentials(AUTH_ID, TOKEN);
    assert_eq!(config_error(PhloClient::builder()).0, "auth_id");
    let (field, value, _) = config_error(PhloClient::builder().credentials("XX123", TOKEN));
    assert_eq!((field, value.as_str()), ("auth_id", "XX… (5 characters)"));
    // Swapped arguments: the token is where the auth_id belongs. The error
    // names the field and masks the value.
    let swapped = PhloClient::builder()
        .credentials(TOKEN, AUTH_ID)
        .build()
        .unwrap_err();
    assert_clean(&format!("{swapped} {swapped:?}"));
    let (field, value, _) = config_error(PhloClient::builder().credentials(TOKEN, AUTH_ID));
    assert_eq!((field, value.as_str()), ("auth_id", "to… (19 characters)"));
    assert_eq!(
        config_error(PhloClient::builder().credentials(AUTH_ID, "")).0,
        "auth_token"
    );
    let (field, value, _) =
        config_error(PhloClient::builder().credentials(AUTH_ID, "tok-SUPERSECRET\n"));
    assert_eq!(field, "auth_token");
    assert_clean(&value);
    const CLEAR: &str = "is plain http on a non-loopback host; the credentials would travel in \
                         clear text (use https, or allow_http(true) if you really mean it)";
    const SPACE: &str = "contains whitespace or a control character";
    const REWRITTEN: &str = ", which URL parsing would rewrite";
    const DOTS: &str = "has a dot segment (`.` or `..`), which URL parsing would resolve";
    for (url, reason) in [
        ("http://example.com/v1", CLEAR.to_string()),
        ("http://10.0.0.1/v1", CLEAR.into()),
        (
            "ftp://phlorunner.plivo.com/v1",
            "has scheme \"ftp\"; expected https".into(),
        ),
        (
            "not-a-url",
            "is not a URL: relative URL without a base".into(),
        ),
        // Refused as written, before URL parsing could strip or encode them.
        ("https://phlorunner.plivo.com/v1\r\nX-Evil: 1", SPACE.into()),
        ("https://phlorunner.plivo.com/v1\tx", SPACE.into()),
        ("https://phlorunner.plivo.com/v 1", SPACE.into()),
        (" https://phlorunner.plivo.com/v1", SPACE.into()),
        ("https://phlorunner.plivo.com/v1\u{7f}", SPACE.into()),
        (
            "https://phlorunner.plivo.com/v1?x=1",
            "must not have a query or fragment".into(),
        ),
        // Rewritten by URL parsing, so refused as written.
        (
            "https://phlorunner.plivo.com\\v1",
            format!("contains '\\\\'{REWRITTEN}"),
        ),
        ("https://phlorunner.plivo.com/v1/../admin", DOTS.into()),
        ("https://phlorunner.plivo.com/v1/%2E%2e", DOTS.into()),
        (
            "https://phlo\u{ad}runner.plivo.com/v1",
            format!(
                "contains '\\u{{ad}}'{REWRITTEN}; write an international domain in its xn-- form"
            ),
        ),
        (
            "https://phlorunner.plivo.com/v1/{x}",
            format!("contains '{{'{REWRITTEN}"),
        ),
    ] {
        let got = config_error(ok().base_url(url));
        assert_eq!(got, ("base_url", url.to_string(), reason), "{url:?}");
    }
    // Credentials in the URL are refused and never repeated.
    for (url, masked) in [
        (
            "https://user:pw@phlorunner.plivo.com/v1",
            "https://***@phlorunner.plivo.com/v1",
        ),
        (
            &format!("https://{AUTH_ID}:{TOKEN}@phlorunner.plivo.com/v1"),
            "https://***@phlorunner.plivo.com/v1",
        ),
        (
            &format!("https://{AUTH_ID}:{TOKEN}@phlorunner.plivo.com/v1\tx"),
            "https://***@phlorunner.plivo.com/v1\tx",
        ),
        // A `/` in the password, and no scheme at all.
        (
            &format!("https://{AUTH_ID}:tok/{TOKEN}@phlorunner.plivo.com/v1"),
            "https://***@phlorunner.plivo.com/v1",
        ),
        (
            &format!("{AUTH_ID}:{TOKEN}@phlorunner.plivo.com/v1"),
            "***@phlorunner.plivo.com/v1",
        ),
    ] {
        let err = ok().base_url(url).build().unwrap_err();
        let (field, value, _) = config_error(ok().base_url(url));
        assert_eq!((field, value.as_str()), ("base_url", masked));
        assert_clean(&format!("{err} {err:?}"));
    }
    let long = format!("https://phlorunner.plivo.com/{}", "a".repeat(3000));
    let (field, _, reason) = config_error(ok().base_url(&long));
    assert_eq!(
        (field, reason.as_str()),
        ("base_url", "is 3029 bytes long; at most 2048")
    );
}

#[test]
fn loopback_http_is_allowed_and_other_http_only_on_request() {
    let ok = || PhloClient::builder().credentials(AUTH_ID, TOKEN);
    for url in [
        "http://127.0.0.1:8080/v1",
        "http://localhost/v1",
        "http://[::1]:80/v1",
        "http://127.1.2.3/v1",
    ] {
        ok().base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    let client = ok()
        .base_url("http://phlo.internal:8080/v1//")
        .allow_http(true)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://phlo.internal:8080/v1");
    let client = ok().build().unwrap();
    assert_eq!(client.base_url(), "https://phlorunner.plivo.com/v1");
    assert_eq!(client.auth_id(), AUTH_ID);
}

#[test]
fn retry_policy_builder_clamps_attempts() {
    assert_eq!(RetryPolicy::none().attempts(), 1);
    assert_eq!(RetryPolicy::exponential().attempts(), 3);
    assert_eq!(RetryPolicy::exponential().max_attempts(0).attempts(), 1);
    assert_eq!(RetryPolicy::default(), RetryPolicy::none());
}

/// A proxy that echoes the request head into its answer: with `status`, as
/// an HTML page (after `pad` bytes), or as a JSON string that does not fit
/// the expected type.
async fn echoing_proxy(status: &'static str, json: bool, pad: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = vec![0u8; 8192];
            let n = stream.read(&mut head).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&head[..n]).into_owned();
            let body = if json {
                // A string where an array belongs: serde's message quotes it.
                serde_json::json!({ "phlo_id": "p", "run_id": "r", "call_uuids": head }).to_string()
            } else {
                format!("<html>{}<pre>{head}</pre></html>", "-".repeat(pad))
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn an_echoed_request_head_is_scrubbed_from_every_error_text() {
    for (status, json) in [("502 Bad Gateway", false), ("200 OK", true)] {
        let client = PhloClient::builder()
            .credentials(AUTH_ID, TOKEN)
            .base_url(echoing_proxy(status, json, 0).await)
            .build()
            .unwrap();
        let err = client
            .phlo("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20")
            .get_run("9b0a8f7e-6d5c-4b3a-2918-0f1e2d3c4b5a")
            .await
            .unwrap_err();
        if let Error::Decode { source, .. } = &err {
            assert!(source.to_string().contains("** redacted **"), "{source}");
        }
        let body = match &err {
            Error::Api { body, .. } | Error::Decode { body, .. } => body.clone(),
            other => panic!("{other:?}"),
        };
        // The echo arrived (the check is not vacuous), scrubbed.
        assert!(body.contains("Basic ** redacted **"), "{body}");
        assert_clean(&body);
        assert_clean(&format!("{err} {err:?}"));
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            assert_clean(&format!("{s} {s:?}"));
            source = s.source();
        }
    }
}

#[tokio::test]
async fn an_echo_across_the_excerpt_cut_leaves_no_piece_of_a_secret() {
    // The Authorization value starts somewhere in the first ~200 bytes of
    // the head: these paddings put it across byte 512 of the body.
    for pad in (250..520).step_by(6) {
        let client = PhloClient::builder()
            .credentials(AUTH_ID, TOKEN)
            .base_url(echoing_proxy("502 Bad Gateway", false, pad).await)
            .build()
            .unwrap();
        let err = client
            .phlo("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20")
            .get()
            .await
            .unwrap_err();
        let Error::Api { body, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(
            body.len() <= 512 + "** redacted **".len(),
            "{pad}: {}",
            body.len()
        );
        assert_no_fragment(&format!("{err} {err:?}"));
    }
}

#[tokio::test]
async fn texts_from_the_network_are_bounded_in_errors() {
    let mock = MockPhlo::start().await.unwrap();
    let huge = "x".repeat(200_000);
    // A 2xx refusal with a huge message, a huge api_id, and a 2xx whose
    // huge string does not fit the answer's type.
    mock.fail_next(
        1,
        plivo_phlo::mock::Fault::status(200)
            .json(serde_json::json!({"api_id": huge, "error": huge})),
    );
    // A string where the run's list of calls belongs: serde quotes it.
    mock.fail_next(
        1,
        plivo_phlo::mock::Fault::status(200).json(
            serde_json::json!({"api_id": "a", "phlo_id": "p", "run_id": "r", "call_uuids": huge}),
        ),
    );
    let phlo = mock.client().phlo(MockPhlo::PHLO_ID);
    for n in 0..2 {
        let err = if n == 0 {
            phlo.get().await.unwrap_err()
        } else {
            phlo.get_run("9b0a8f7e-6d5c-4b3a-2918-0f1e2d3c4b5a")
                .await
                .unwrap_err()
        };
        let shown = format!("{err}");
        let debug = format!("{err:?}");
        assert!(shown.len() < 2_000, "Display is {} bytes", shown.len());
        assert!(debug.len() < 4_000, "Debug is {} bytes", debug.len());
        if let Error::Api {
            message, api_id, ..
        } = &err
        {
            assert!(
                message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("xxx") && m.len() <= 512 + 3)
            );
            assert!(api_id.as_deref().is_some_and(|a| a.len() <= 128 + 3));
        } else {
            let Error::Decode { source, .. } = &err else {
                panic!("{err:?}")
            };
            // serde's message quoted the huge string: it is cut, not kept.
            let text = source.to_string();
            assert!(
                text.starts_with("invalid type: string \"xxx"),
                "{}",
                &text[..80]
            );
            assert!(text.len() <= 512 + 3, "{}", text.len());
        }
    }
}
