//! `phlo --header`, `--extra-body` and `--include-meta` against MockPhlo:
//! what arrives, what is printed, and exit 2 with nothing sent for a bad
//! header or a colliding extra field.
use crate::support::{code, phlo, run, text};
use plivo_phlo::mock::MockPhlo;
use serde_json::Value;

const ADD_USER: [&str; 10] = [
    "mpc",
    "add-user",
    "--to",
    "+14152225555",
    "--trigger-source",
    "+14152223333",
    "--phlo",
    MockPhlo::PHLO_ID,
    "--node",
    MockPhlo::NODE_ID,
];

#[tokio::test]
async fn header_and_extra_body_arrive_and_meta_is_printed() {
    let mock = MockPhlo::start().await.unwrap();
    let mut args = ADD_USER.to_vec();
    args.extend([
        "--header",
        "X-Request-Id: r-1",
        "--header",
        "X-Other:2",
        "--extra-body",
        r#"{"ring_timeout": 20}"#,
        "--include-meta",
    ]);
    let output = run(&mut phlo(&mock.base_url()), &args).await;
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 0, "{stderr}");
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["x-request-id"], "r-1");
    assert_eq!(requests[0].headers["x-other"], "2");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["ring_timeout"], 20);
    assert!(stderr.contains("phlo: status: 201 Created"), "{stderr}");
    assert!(
        stderr.contains("phlo: header: content-type: application/json"),
        "{stderr}"
    );
    assert!(stderr.contains("phlo: api_id: "), "{stderr}");
}

#[tokio::test]
async fn a_dry_run_shows_the_extra_header_and_field() {
    let mock = MockPhlo::start().await.unwrap();
    let mut args = ADD_USER.to_vec();
    args.extend([
        "--dry-run",
        "--header",
        "X-Request-Id:r-2",
        "--extra-body",
        r#"{"ring_timeout":20}"#,
    ]);
    let output = run(&mut phlo(&mock.base_url()), &args).await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("x-request-id: r-2"), "{stdout}");
    assert!(stdout.contains(r#""ring_timeout":20"#), "{stdout}");
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn a_bad_header_or_a_colliding_field_exits_2_and_sends_nothing() {
    let mock = MockPhlo::start().await.unwrap();
    for extra in [
        ["--header", "Authorization: Basic eA=="],
        ["--header", "no-colon"],
        ["--header", "X-Bad\u{7f}:1"],
        ["--extra-body", r#"{"to": "+14155550000"}"#],
        ["--extra-body", "[1]"],
        ["--extra-body", "{not json"],
    ] {
        let mut args = ADD_USER.to_vec();
        args.extend(extra);
        let output = run(&mut phlo(&mock.base_url()), &args).await;
        assert_eq!(code(&output), 2, "{extra:?}: {}", text(&output.stderr));
    }
    assert_eq!(mock.hits(), 0);
}
