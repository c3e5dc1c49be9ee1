//! The `phlo` binary, run as a process: every subcommand against MockPhlo
//! with the request asserted on the wire, `--dry-run` sending nothing, each
//! exit code from the fault that should produce it, the token never in its
//! output or arguments, and `phlo mock` driven by a plain HTTP client.
#![cfg(feature = "cli")]

use std::process::Output;

use plivo_phlo::{
    mock::{Fault, MockPhlo},
    spec::{Field, OPERATIONS},
};
use serde_json::{Map, Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::Command,
};

const PHLO: &str = env!("CARGO_BIN_EXE_phlo");

fn phlo(mock_url: &str) -> Command {
    let mut command = Command::new(PHLO);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PLIVO_AUTH_ID", MockPhlo::AUTH_ID)
        .env("PLIVO_AUTH_TOKEN", MockPhlo::AUTH_TOKEN)
        .env("PLIVO_PHLO_URL", mock_url);
    command
}

async fn run(command: &mut Command, args: &[&str]) -> Output {
    let output = command.args(args).output().await.unwrap();
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert!(
        !out.contains(MockPhlo::AUTH_TOKEN) && !err.contains(MockPhlo::AUTH_TOKEN),
        "{out}{err}"
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn kebab(s: &str) -> String {
    s.replace('_', "-")
}

/// A value the spec accepts for a field, as a flag's text and as JSON.
fn sample(field: &Field) -> (String, Value) {
    let text = match (field.schema, field.values.first()) {
        ("Address", _) => "sip:agent1@phone.plivo.com".to_string(),
        ("Id", _) if field.name == "node_id" => MockPhlo::NODE_ID.to_string(),
        ("Id", _) => MockPhlo::PHLO_ID.to_string(),
        (_, Some(value)) => value.to_string(),
        _ => "x".to_string(),
    };
    (text.clone(), Value::String(text))
}

#[tokio::test]
async fn every_generated_subcommand_sends_its_operation() {
    let mock = MockPhlo::start().await.unwrap();
    for op in OPERATIONS {
        mock.reset();
        let mut args = vec![kebab(op.tag), kebab(op.id)];
        let mut path = op.path.to_string();
        for field in op.params {
            let (text, _) = sample(field);
            let text = if field.schema == "AuthId" {
                MockPhlo::AUTH_ID.to_string()
            } else {
                text
            };
            path = path.replace(&format!("{{{}}}", field.name), &text);
            if field.schema != "AuthId" {
                args.extend([format!("--{}", kebab(field.name)), text]);
            }
        }
        let mut body = Map::new();
        if let Some(spec) = &op.body {
            for field in spec.fields {
                let (text, json) = sample(field);
                args.extend([format!("--{}", kebab(field.name)), text]);
                body.insert(field.name.to_string(), json);
            }
            if spec.free_form {
                args.extend(["--param".to_string(), "customerName=Ada".to_string()]);
                body.insert("customerName".into(), json!("Ada"));
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&mut phlo(&mock.base_url()), &args).await;
        assert_eq!(code(&output), 0, "{args:?}: {}", text(&output.stderr));
        let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(answer.is_object(), "{answer}");
        let requests = mock.requests();
        assert_eq!(requests.len(), 1, "{args:?}");
        let request = &requests[0];
        assert_eq!(request.method.as_str(), op.method);
        assert_eq!(request.path, format!("/v1{path}"), "{args:?}");
        assert_eq!(request.call.operation_id(), Some(op.id));
        if op.body.is_some() {
            let sent: Value = serde_json::from_slice(&request.body).unwrap();
            // Fields with a spec default may be filled in by the client.
            for (key, value) in &body {
                assert_eq!(&sent[key], value, "{args:?}: {sent}");
            }
        } else {
            assert!(request.body.is_empty());
        }
    }
}

#[tokio::test]
async fn friendly_commands_send_what_they_say() {
    let mock = MockPhlo::start().await.unwrap();
    let node = ["--phlo", MockPhlo::PHLO_ID, "--node", MockPhlo::NODE_ID];
    let mut cases: Vec<(Vec<&str>, &str, Value)> = vec![
        (
            vec![
                "mpc",
                "add-user",
                "--to",
                "+14152225555",
                "--trigger-source",
                "+14152223333",
            ],
            "",
            json!({"action": "call", "to": "+14152225555", "role": "agent", "trigger_source": "+14152223333"}),
        ),
        (
            vec![
                "mpc",
                "warm-transfer",
                "--to",
                "sip:agent1@phone.plivo.com",
                "--trigger-source",
                "+14152223333",
                "--role",
                "customer",
            ],
            "",
            json!({"action": "warm_transfer", "to": "sip:agent1@phone.plivo.com", "role": "customer", "trigger_source": "+14152223333"}),
        ),
        (
            vec![
                "mpc",
                "cold-transfer",
                "--to",
                "+14152225555",
                "--trigger-source",
                "+14152223333",
            ],
            "",
            json!({"action": "cold_transfer", "to": "+14152225555", "role": "agent", "trigger_source": "+14152223333"}),
        ),
    ];
    for action in [
        "hold",
        "unhold",
        "hangup",
        "resume-call",
        "voicemail-drop",
        "abort-transfer",
    ] {
        cases.push((
            vec!["mpc", "member", "+14152225555", action],
            "/members/+14152225555",
            json!({"action": action.replace('-', "_")}),
        ));
    }
    for (mut args, suffix, body) in cases {
        mock.reset();
        args.extend(node);
        let output = run(&mut phlo(&mock.base_url()), &args).await;
        assert_eq!(code(&output), 0, "{args:?}: {}", text(&output.stderr));
        let request = &mock.requests()[0];
        assert_eq!(
            request.path,
            format!(
                "/v1/phlo/{}/multi_party_call/{}{suffix}",
                MockPhlo::PHLO_ID,
                MockPhlo::NODE_ID
            )
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&request.body).unwrap(),
            body,
            "{args:?}"
        );
        assert!(
            text(&output.stderr).starts_with("phlo: done: "),
            "{}",
            text(&output.stderr)
        );
    }
    mock.reset();
    let output = run(
        &mut phlo(&mock.base_url()),
        &[
            "run",
            MockPhlo::PHLO_ID,
            "--param",
            "from=+14152223333",
            "--param",
            "Name=Ada",
        ],
    )
    .await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let request = &mock.requests()[0];
    assert_eq!(
        request.path,
        format!(
            "/v1/account/{}/phlo/{}",
            MockPhlo::AUTH_ID,
            MockPhlo::PHLO_ID
        )
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&request.body).unwrap(),
        json!({"from": "+14152223333", "Name": "Ada"})
    );
}

#[tokio::test]
async fn a_dry_run_prints_the_request_and_sends_nothing() {
    let mock = MockPhlo::start().await.unwrap();
    let output = run(
        &mut phlo(&mock.base_url()),
        &[
            "mpc",
            "add-user",
            "--phlo",
            "p1",
            "--node",
            "n1",
            "--to",
            "+14152225555",
            "--trigger-source",
            "+14152223333",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let shown = text(&output.stdout);
    let mut lines = shown.lines();
    assert_eq!(
        lines.next(),
        Some(format!("POST {}/phlo/p1/multi_party_call/n1", mock.base_url()).as_str())
    );
    assert!(
        shown.contains("Authorization: Basic ** redacted **"),
        "{shown}"
    );
    assert!(shown.contains("content-type: application/json"), "{shown}");
    assert!(shown.ends_with("{\"action\":\"call\",\"role\":\"agent\",\"to\":\"+14152225555\",\"trigger_source\":\"+14152223333\"}\n"), "{shown}");
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn each_outcome_has_its_exit_code() {
    let mock = MockPhlo::start().await.unwrap();
    let hold = [
        "mpc",
        "member",
        "+14152225555",
        "hold",
        "--phlo",
        "p1",
        "--node",
        "n1",
    ];
    // 2: invalid input, nothing sent (also an unknown option).
    let output = run(
        &mut phlo(&mock.base_url()),
        &[
            "mpc", "member", "0415", "hold", "--phlo", "p", "--node", "n",
        ],
    )
    .await;
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("invalid member_address \"0415\""));
    assert_eq!(
        code(&run(&mut phlo(&mock.base_url()), &["mpc", "add-user", "--bogus"]).await),
        2
    );
    assert_eq!(mock.connections(), 0);
    // 3: refused (4xx), 4: server failure (5xx).
    for (fault, expected) in [
        (
            Fault::status(404).json(json!({"api_id": "a", "error": "node not found"})),
            3,
        ),
        (Fault::status(503), 4),
    ] {
        mock.fail_next(1, fault);
        let output = run(&mut phlo(&mock.base_url()), &hold).await;
        assert_eq!(code(&output), expected, "{}", text(&output.stderr));
    }
    // 5: did not reach Plivo (nothing listens).
    let output = run(&mut phlo("http://127.0.0.1:1/v1"), &hold).await;
    assert_eq!(code(&output), 5, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("safe to try again"));
    // 6: unknown outcome (the connection reset after the request was read).
    mock.reset();
    mock.fail_next(1, Fault::reset());
    let output = run(
        &mut phlo(&mock.base_url()),
        &[
            "--retry", hold[0], hold[1], hold[2], hold[3], hold[4], hold[5], hold[6], hold[7],
        ],
    )
    .await;
    assert_eq!(code(&output), 6, "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("Check the call"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(mock.hits(), 1, "never a second dial");
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
    command
        .env_remove("PLIVO_AUTH_TOKEN")
        .arg("--token-stdin")
        .args(get);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", MockPhlo::AUTH_TOKEN).as_bytes())
        .await
        .unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert!(!text(&output.stdout).contains(MockPhlo::AUTH_TOKEN));
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

#[tokio::test]
async fn phlo_mock_serves_a_plain_http_client_and_stops_on_ctrl_c() {
    let mut child = Command::new(PHLO)
        .args(["mock", "--port", "0"])
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening: Value =
        serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(listening["event"], "listening");
    let base = listening["base_url"].as_str().unwrap();
    let (id, token) = (
        listening["auth_id"].as_str().unwrap(),
        listening["auth_token"].as_str().unwrap(),
    );
    assert!(id.starts_with("MA") && id.len() == 20, "{id}");

    // Any HTTP client: reqwest here, as curl in the README.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!(
        "{base}/phlo/{}/multi_party_call/{}",
        MockPhlo::PHLO_ID,
        MockPhlo::NODE_ID
    );
    let body = json!({"action": "call", "to": "+14152225555", "trigger_source": "+14152223333"});
    let answer = http
        .post(&url)
        .basic_auth(id, Some(token))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    let refused = http
        .post(&url)
        .basic_auth(id, Some("wrong"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);

    let first: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(first["event"], "request");
    assert_eq!(first["operation_id"], "update_multi_party_call");
    assert_eq!(first["status"], 201);
    assert_eq!(first["body"]["to"], "+14152225555");
    let second: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(
        (second["status"].as_u64(), second["rejected"].as_str()),
        (Some(401), Some("Authentication failed."))
    );

    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().await.unwrap();
    assert_eq!(exit.code(), Some(0), "stopped cleanly on Ctrl-C");
}

#[tokio::test]
async fn help_lists_every_operation_and_completions_print() {
    let help = run(&mut Command::new(PHLO), &["--help"]).await;
    let help = text(&help.stdout);
    let mut tags: Vec<&str> = OPERATIONS.iter().map(|o| o.tag).collect();
    tags.dedup();
    for tag in tags {
        assert!(help.contains(&format!("  {}", kebab(tag))), "{tag}: {help}");
    }
    for op in OPERATIONS {
        let group = run(&mut Command::new(PHLO), &[&kebab(op.tag), "--help"]).await;
        assert!(text(&group.stdout).contains(&kebab(op.id)), "{}", op.id);
    }
    let member = run(
        &mut Command::new(PHLO),
        &[
            "multi-party-call",
            "update-multi-party-call-member",
            "--help",
        ],
    )
    .await;
    assert!(
        text(&member.stdout).contains(
            "[possible values: abort_transfer, resume_call, voicemail_drop, hangup, hold, unhold]"
        ),
        "{}",
        text(&member.stdout)
    );
    for shell in ["bash", "zsh", "fish"] {
        let output = run(&mut Command::new(PHLO), &["completions", shell]).await;
        assert_eq!(code(&output), 0);
        assert!(text(&output.stdout).contains("add-user"), "{shell}");
    }
}
