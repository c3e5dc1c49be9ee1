//! What the `phlo` tests (tests/cli/) share: the built binary, a
//! command pointed at a mock with its credentials, and a runner that checks
//! the token never shows in what `phlo` prints.
// Each test file uses its own share of these.
#![allow(dead_code)]

use std::process::{Output, Stdio};

use base64::Engine as _;
use plivo_phlo::{mock::MockPhlo, spec::Field};
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines},
    process::{Child, ChildStdout, Command},
};

pub const PHLO: &str = env!("CARGO_BIN_EXE_phlo");

/// `phlo mpc member +14152225555 hold` on node n1 of PHLO p1.
pub const HOLD: [&str; 8] = [
    "mpc",
    "member",
    "+14152225555",
    "hold",
    "--phlo",
    "p1",
    "--node",
    "n1",
];

/// `phlo` with a clean environment: the mock's credentials and `url` only.
pub fn phlo(url: &str) -> Command {
    let mut command = Command::new(PHLO);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PLIVO_AUTH_ID", MockPhlo::AUTH_ID)
        .env("PLIVO_AUTH_TOKEN", MockPhlo::AUTH_TOKEN)
        .env("PLIVO_PHLO_URL", url);
    command
}

/// Runs `command` with `args`; the mock's token is in neither stdout nor
/// stderr.
pub async fn run(command: &mut Command, args: &[&str]) -> Output {
    let output = command.args(args).output().await.unwrap();
    assert_no_token(&output, MockPhlo::AUTH_TOKEN);
    output
}

/// As [`run`], with `input` on stdin.
pub async fn run_with_stdin(command: &mut Command, args: &[&str], input: &str) -> Output {
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).await.unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert_no_token(&output, MockPhlo::AUTH_TOKEN);
    output
}

pub fn assert_no_token(output: &Output, token: &str) {
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert!(
        !out.contains(token) && !err.contains(token),
        "the token shows: {out}{err}"
    );
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

pub fn kebab(s: &str) -> String {
    s.replace('_', "-")
}

/// The `Authorization` header of these credentials.
pub fn basic(auth_id: &str, token: &str) -> String {
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{auth_id}:{token}"));
    format!("Basic {pair}")
}

/// A value the spec accepts for a field, as a flag's text and as JSON.
pub fn sample(field: &Field) -> (String, Value) {
    let text = match (field.schema, field.values.first()) {
        ("Address", _) => "sip:agent1@phone.plivo.com".to_string(),
        ("Id", _) if field.name == "node_id" => MockPhlo::NODE_ID.to_string(),
        ("Id", _) => MockPhlo::PHLO_ID.to_string(),
        (_, Some(value)) => value.to_string(),
        _ => "x".to_string(),
    };
    (text.clone(), Value::String(text))
}

/// A port nothing listens on at `host` just now.
pub fn free_port(host: &str) -> u16 {
    let listener = std::net::TcpListener::bind((host, 0)).unwrap();
    listener.local_addr().unwrap().port()
}

/// `phlo mock` running, its stdout lines, and its first (listening) line.
pub struct Mock {
    pub child: Child,
    pub lines: Lines<BufReader<ChildStdout>>,
    pub listening: Value,
}

impl Mock {
    pub async fn start(args: &[&str]) -> Mock {
        let mut child = Command::new(PHLO)
            .arg("mock")
            .args(args)
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next_line().await.unwrap().expect("a listening line");
        let listening: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(listening["event"], "listening", "{listening}");
        Mock {
            child,
            lines,
            listening,
        }
    }

    pub fn field(&self, name: &str) -> String {
        self.listening[name].as_str().unwrap().to_string()
    }

    /// The next request line.
    pub async fn next(&mut self) -> Value {
        let line = self
            .lines
            .next_line()
            .await
            .unwrap()
            .expect("a request line");
        serde_json::from_str(&line).unwrap()
    }

    /// Sends `signal` (`INT`, `TERM`) and waits for the exit code.
    pub async fn stop(mut self, signal: &str) -> Option<i32> {
        let pid = self.child.id().unwrap().to_string();
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid])
            .status()
            .unwrap();
        assert!(sent.success());
        self.child.wait().await.unwrap().code()
    }
}
