//! `phlo`'s exit codes, each from the fault that should produce it (2
//! invalid input or configuration, 3 refused, 4 server failure, 5 not
//! sent, 6 unknown outcome, 7 a callback whose signature is not valid),
//! and where the token may come from.
use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use crate::support::{HOLD, code, phlo, run, run_with_stdin, text};
use plivo_phlo::mock::{Fault, MockPhlo};
use serde_json::json;

/// `args` after `first`.
fn with<'a>(first: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    first.iter().chain(args).copied().collect()
}

#[tokio::test]
async fn invalid_input_exits_2_and_sends_nothing() {
    let mock = MockPhlo::start().await.unwrap();
    let output = run(
        &mut phlo(&mock.base_url()),
        &[
            "mpc", "member", "0415", "hold", "--phlo", "p", "--node", "n",
        ],
    )
    .await;
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("invalid member_address \"0415\""));
    // An unknown option too.
    let output = run(&mut phlo(&mock.base_url()), &["mpc", "add-user", "--bogus"]).await;
    assert_eq!(code(&output), 2);
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn refusals_exit_3_and_server_failures_4() {
    let mock = MockPhlo::start().await.unwrap();
    for (fault, expected, says) in [
        (
            Fault::status(404).json(json!({"api_id": "a", "error": "node not found"})),
            3,
            "node not found",
        ),
        // A 2xx whose `error` is not empty: refused, not done.
        (
            Fault::status(200).json(json!({"api_id": "b", "error": "member not on the call"})),
            3,
            "member not on the call",
        ),
        (Fault::status(503), 4, "503"),
    ] {
        mock.fail_next(1, fault);
        let output = run(&mut phlo(&mock.base_url()), &HOLD).await;
        let stderr = text(&output.stderr);
        assert_eq!(code(&output), expected, "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("phlo: done"), "{stderr}");
    }
    assert_eq!(mock.hits(), 3);
}

#[tokio::test]
async fn a_request_that_never_left_exits_5() {
    // Nothing listens on port 1.
    let output = run(&mut phlo("http://127.0.0.1:1/v1"), &HOLD).await;
    assert_eq!(code(&output), 5, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("safe to try again"));
}

#[tokio::test]
async fn a_reset_after_sending_exits_6_and_is_never_sent_twice() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::reset());
    let output = run(&mut phlo(&mock.base_url()), &with(&["--retry"], &HOLD)).await;
    assert_eq!(code(&output), 6, "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("Check the call"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(mock.hits(), 1, "never a second dial");
}

#[tokio::test]
async fn a_timeout_exits_6_with_check_the_call() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next_for(
        "update_multi_party_call_member",
        1,
        Fault::delay(Duration::from_secs(10)),
    );
    let started = Instant::now();
    let output = run(
        &mut phlo(&mock.base_url()),
        &with(&HOLD, &["--timeout", "300ms"]),
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 6, "{stderr}");
    assert!(
        stderr.contains("UNKNOWN OUTCOME") && stderr.contains("Check the call"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.hits(), 1, "it reached the mock");
}

#[tokio::test]
async fn files_that_cannot_be_read_exit_2_and_send_nothing() {
    let mock = MockPhlo::start().await.unwrap();
    let missing = std::env::temp_dir().join(format!("phlo-missing-{}", std::process::id()));
    let missing = missing.to_string_lossy().into_owned();
    let mut command = phlo(&mock.base_url());
    command.env_remove("PLIVO_AUTH_TOKEN");
    let output = run(&mut command, &with(&["--token-file", &missing], &HOLD)).await;
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("cannot read --token-file"));
    let at = format!("@{missing}");
    let output = run(
        &mut phlo(&mock.base_url()),
        &[
            "multi-party-call",
            "update-multi-party-call-member",
            "--phlo-id",
            "p1",
            "--node-id",
            "n1",
            "--member-address",
            "+14152225555",
            "--body-json",
            &at,
        ],
    )
    .await;
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains(&format!("cannot read {missing}")));
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn the_token_and_the_body_cannot_both_come_from_stdin() {
    let mock = MockPhlo::start().await.unwrap();
    // stdin stays open and empty: a phlo that read it would wait forever.
    let mut child = phlo(&mock.base_url())
        .env_remove("PLIVO_AUTH_TOKEN")
        .args([
            "--token-stdin",
            "multi-party-call",
            "update-multi-party-call-member",
        ])
        .args([
            "--phlo-id",
            "p1",
            "--node-id",
            "n1",
            "--member-address",
            "+14152225555",
        ])
        .args(["--body-json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("phlo refused before reading stdin")
        .unwrap();
    drop(stdin);
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 2, "{stderr}");
    assert!(
        stderr.contains("--token-stdin and --body-json - both read stdin"),
        "{stderr}"
    );
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn the_token_comes_from_env_a_file_or_stdin_never_an_argument() {
    let mock = MockPhlo::start().await.unwrap();
    let get = ["phlo", "get-phlo", "--phlo-id", MockPhlo::PHLO_ID];
    // No option takes it.
    for flag in ["--token", "--auth-token", "--password"] {
        let mut command = phlo(&mock.base_url());
        command.env_remove("PLIVO_AUTH_TOKEN");
        let output = run(&mut command, &[flag, "x", get[0], get[1], get[2], get[3]]).await;
        assert_eq!(code(&output), 2, "{flag}");
    }
    // From a file.
    let file = std::env::temp_dir().join(format!("phlo-token-{}", std::process::id()));
    std::fs::write(&file, format!("{}\n", MockPhlo::AUTH_TOKEN)).unwrap();
    let mut command = phlo(&mock.base_url());
    command.env_remove("PLIVO_AUTH_TOKEN");
    let path = file.to_string_lossy().into_owned();
    let output = run(
        &mut command,
        &["--token-file", &path, get[0], get[1], get[2], get[3]],
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    // From stdin.
    let mut command = phlo(&mock.base_url());
    command.env_remove("PLIVO_AUTH_TOKEN");
    let mut args = vec!["--token-stdin"];
    args.extend(get);
    let output = run_with_stdin(&mut command, &args, &format!("{}\n", MockPhlo::AUTH_TOKEN)).await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert_eq!(mock.hits(), 2, "the file and the stdin runs were sent");
    // None at all: a clear error, nothing sent.
    let mut command = phlo(&mock.base_url());
    command.env_remove("PLIVO_AUTH_TOKEN");
    let output = run(&mut command, &get).await;
    assert_eq!(code(&output), 2);
    assert!(
        text(&output.stderr).contains("PLIVO_AUTH_TOKEN"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(mock.hits(), 2, "nothing sent without a token");
}

/// `phlo verify-callback`: 0 when the signature matches, 7 when it does not,
/// 2 for invalid input; the token from the environment or stdin, never shown.
#[tokio::test]
async fn verify_callback_exits_0_valid_7_not_valid_2_invalid() {
    use plivo_phlo::callback::{Callback, SignatureV3};
    use plivo_phlo::reqwest::Method;

    let (url, nonce) = ("https://example.com/answer?a=b", "31627761595286130198");
    let params = [
        ("CallUUID", "c-1"),
        ("Digits", "1"),
        ("Digits", "2"),
        ("Name", "Zoë"),
    ];
    let callback = Callback {
        method: &Method::POST,
        url,
        params: &params,
        nonce,
    };
    let signature = SignatureV3::new(MockPhlo::AUTH_TOKEN)
        .sign(&callback)
        .unwrap();
    let header = format!("bm90IGl0,{signature}");
    let base = [
        "verify-callback",
        "--method",
        "POST",
        "--url",
        url,
        "--nonce",
        nonce,
        "--signature",
        &header,
    ];
    let with_params = |params: &[&'static str]| -> Vec<&str> {
        let mut args = base.to_vec();
        for param in params {
            args.extend(["--param", param]);
        }
        args
    };
    for (params, expected) in [
        (["Digits=2", "Name=Zoë", "CallUUID=c-1", "Digits=1"], 0),
        (["Digits=2", "Name=Zoe", "CallUUID=c-1", "Digits=1"], 7),
        (["Digits=2", "Name=Zoë", "CallUUID=c-1", "Digits"], 2),
    ] {
        let output = run(&mut phlo("http://127.0.0.1:9"), &with_params(&params)).await;
        assert_eq!(
            code(&output),
            expected,
            "{params:?}: {}",
            text(&output.stderr)
        );
    }

    // The token on stdin, the body from a form-encoded file.
    let body = std::env::temp_dir().join(format!("phlo-verify-{}.form", std::process::id()));
    std::fs::write(&body, "Digits=2&Name=Zo%C3%AB&CallUUID=c-1&Digits=1").unwrap();
    let mut args = base.to_vec();
    args.extend(["--body-file", body.to_str().unwrap(), "--token-stdin"]);
    let mut command = phlo("http://127.0.0.1:9");
    command.env_remove("PLIVO_AUTH_TOKEN");
    let output = run_with_stdin(&mut command, &args, &format!("{}\n", MockPhlo::AUTH_TOKEN)).await;
    std::fs::remove_file(&body).unwrap();
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
}
