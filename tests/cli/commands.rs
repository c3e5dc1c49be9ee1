//! The `phlo` binary, run as a process against MockPhlo: every subcommand
//! with the request asserted on the wire (path, body, Authorization,
//! content-type), `--dry-run` sending nothing, `--base-url`, required body
//! fields, and `--help` listing every operation without showing secrets.
//! Exit codes: exit_codes.rs; `phlo mock`: mock.rs.
use crate::support::{PHLO, basic, code, kebab, phlo, run, sample, text};
use plivo_phlo::{mock::MockPhlo, spec::OPERATIONS};
use serde_json::{Map, Value, json};
use tokio::process::Command;

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
            // The account's auth_id comes from PLIVO_AUTH_ID.
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
        assert!(!request.path.contains(MockPhlo::AUTH_TOKEN));
        assert_eq!(request.call.operation_id(), Some(op.id));
        assert_eq!(
            request.headers["authorization"],
            basic(MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN).as_str(),
            "{args:?}"
        );
        if op.body.is_some() {
            assert_eq!(
                request.headers["content-type"], "application/json",
                "{args:?}"
            );
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
async fn base_url_as_a_flag_wins_over_the_environment() {
    let mock = MockPhlo::start().await.unwrap();
    let get = ["phlo", "get-phlo", "--phlo-id", MockPhlo::PHLO_ID];
    // PLIVO_PHLO_URL points where nothing listens; the flag at the mock.
    let base = mock.base_url();
    let output = run(
        &mut phlo("http://127.0.0.1:1/v1"),
        &["--base-url", &base, get[0], get[1], get[2], get[3]],
    )
    .await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    // And with no PLIVO_PHLO_URL at all, after the subcommand.
    let mut command = phlo("");
    command.env_remove("PLIVO_PHLO_URL");
    let output = run(
        &mut command,
        &[get[0], get[1], get[2], get[3], "--base-url", &base],
    )
    .await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert_eq!(request.path, format!("/v1/phlo/{}", MockPhlo::PHLO_ID));
    }
}

#[tokio::test]
async fn a_required_body_field_is_asked_for_unless_body_json_is_given() {
    let mock = MockPhlo::start().await.unwrap();
    let node = [
        "multi-party-call",
        "update-multi-party-call",
        "--phlo-id",
        MockPhlo::PHLO_ID,
        "--node-id",
        MockPhlo::NODE_ID,
    ];
    let mut args = node.to_vec();
    args.extend(["--to", "+14152225555", "--trigger-source", "+14152223333"]);
    let output = run(&mut phlo(&mock.base_url()), &args).await;
    assert_eq!(code(&output), 2, "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("--action <ACTION>"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(mock.connections(), 0);

    let body =
        json!({"action": "cold_transfer", "to": "+14152225555", "trigger_source": "+14152223333"});
    let mut args = node.to_vec();
    let text_body = body.to_string();
    args.extend(["--body-json", &text_body]);
    let output = run(&mut phlo(&mock.base_url()), &args).await;
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    for key in ["action", "to", "trigger_source"] {
        assert_eq!(sent[key], body[key], "{sent}");
    }
}

#[tokio::test]
async fn a_2xx_that_is_not_the_operations_answer_is_an_unknown_outcome() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next_for(
        "update_multi_party_call_member",
        1,
        plivo_phlo::mock::Fault::status(200).body("{\"unexpected\":1}"),
    );
    let output = run(&mut phlo(&mock.base_url()), &crate::support::HOLD).await;
    assert_eq!(code(&output), 6, "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("Check the call"));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    assert_eq!(mock.hits(), 1);
}

/// Every help page and completion script, for the secrets test.
fn help_pages() -> Vec<Vec<String>> {
    let mut pages = vec![vec!["--help".to_string()], vec!["-h".to_string()]];
    for op in OPERATIONS {
        pages.push(vec![kebab(op.tag), "--help".into()]);
        pages.push(vec![kebab(op.tag), kebab(op.id), "--help".into()]);
    }
    for command in ["add-user", "warm-transfer", "cold-transfer", "member"] {
        pages.push(vec!["mpc".into(), command.into(), "--help".into()]);
    }
    for command in ["mpc", "run", "mock", "completions"] {
        pages.push(vec![command.into(), "--help".into()]);
    }
    for shell in ["bash", "zsh", "fish"] {
        pages.push(vec!["completions".into(), shell.into()]);
    }
    pages
}

#[tokio::test]
async fn help_and_completions_never_show_the_environments_credentials() {
    let (id, token, url) = (
        "MAHELPHELPHELPHELP01",
        "t0ken-that-must-not-show-9f2c",
        "http://127.0.0.1:9/secret-path/v1",
    );
    for page in help_pages() {
        let args: Vec<&str> = page.iter().map(String::as_str).collect();
        let mut command = phlo(url);
        command
            .env("PLIVO_AUTH_ID", id)
            .env("PLIVO_AUTH_TOKEN", token)
            .env("PLIVO_PHLO_ID", "phlo-id-from-env")
            .env("PLIVO_NODE_ID", "node-id-from-env");
        let output = run(&mut command, &args).await;
        assert_eq!(code(&output), 0, "{args:?}: {}", text(&output.stderr));
        let shown = format!("{}{}", text(&output.stdout), text(&output.stderr));
        assert!(shown.len() > 100, "{args:?}: {shown}");
        for secret in [
            token,
            id,
            "secret-path",
            "phlo-id-from-env",
            "node-id-from-env",
        ] {
            assert!(!shown.contains(secret), "{args:?} shows {secret}");
        }
    }
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
    // Every operationId, as the subcommand to type, in the top-level help.
    for op in OPERATIONS {
        let usage = format!("  phlo {} {} ", kebab(op.tag), kebab(op.id));
        assert!(help.contains(&usage), "{}: {help}", op.id);
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
