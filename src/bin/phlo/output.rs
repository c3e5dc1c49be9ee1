//! What `phlo` prints and the exit code it ends with: the answer as JSON on
//! stdout, one summary line on stderr, a distinct code per kind of outcome.

use std::process::ExitCode;

use plivo_phlo::{Error, Prepared};
use serde_json::Value;

const INVALID_INPUT: u8 = 2;
const REFUSED: u8 = 3;
const SERVER_FAILED: u8 = 4;
const NOT_SENT: u8 = 5;
const UNKNOWN_OUTCOME: u8 = 6;
pub(crate) const NOT_VALID: u8 = 7;

/// The exit codes, as `phlo --help` and the README list them.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  phlo itself failed (the runtime could not start, the mock's port could not be bound)
  2  invalid input or configuration (a file or stdin that could not be read included): nothing was sent
  3  Plivo refused the request (4xx, or a 2xx whose `error` is not empty)
  4  Plivo or a proxy failed (5xx, or a status no API answer has, such as a redirect)
  5  the request did not reach Plivo (connection refused or never made): safe to retry
  6  unknown outcome: the request may have reached Plivo (a timeout or reset after sending, a 2xx that could not be read); check the call before retrying
  7  verify-callback: no signature matches the callback and the auth token (or there is none)";

/// The answer on stdout, the summary on stderr.
pub(crate) fn answer(summary: &str, answer: &Value) -> ExitCode {
    let api_id = answer["api_id"]
        .as_str()
        .map(|id| format!(" (api_id {id})"))
        .unwrap_or_default();
    println!(
        "{}",
        serde_json::to_string_pretty(answer).unwrap_or_default()
    );
    eprintln!("phlo: done: {summary}{api_id}");
    ExitCode::SUCCESS
}

/// `--include-meta`: the answer's status, headers and api_id on stderr
/// (the headers bounded and redacted by the library).
pub(crate) fn meta(meta: &plivo_phlo::ResponseMeta) {
    eprintln!("phlo: status: {}", meta.status);
    for (name, value) in &meta.headers {
        eprintln!(
            "phlo: header: {name}: {}",
            value.to_str().unwrap_or("<binary>")
        );
    }
    if let Some(api_id) = &meta.api_id {
        eprintln!("phlo: api_id: {api_id}");
    }
    eprintln!(
        "phlo: attempts: {}, elapsed: {:?}",
        meta.attempts, meta.elapsed
    );
}

/// `--dry-run`: the request as it would go out, the token redacted.
pub(crate) fn dry_run(prepared: &Prepared<'_>) {
    println!("{} {}", prepared.method(), prepared.url());
    println!("Authorization: Basic ** redacted **");
    println!("User-Agent: {}", plivo_phlo::USER_AGENT);
    for (name, value) in prepared.headers() {
        println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    if let Some(body) = prepared.body() {
        println!();
        println!("{}", String::from_utf8_lossy(body));
    }
    eprintln!("phlo: dry run: {} not sent", prepared.operation().id);
}

/// A failed call: what happened, in words, and its exit code.
pub(crate) fn error(e: &Error) -> ExitCode {
    eprintln!("phlo: {e}");
    let code = match e {
        Error::InvalidInput { .. } => INVALID_INPUT,
        Error::Api { status, .. } if status.is_server_error() => SERVER_FAILED,
        Error::Api { status, .. } if status.is_client_error() || status.is_success() => REFUSED,
        Error::Api { .. } => SERVER_FAILED,
        _ if !e.may_have_reached_server() => {
            eprintln!("phlo: the request did not reach Plivo; it is safe to try again");
            NOT_SENT
        }
        _ => {
            eprintln!(
                "phlo: UNKNOWN OUTCOME: the request may have reached Plivo and may have changed \
                 the call. Check the call (the PHLO console, or `phlo multi-party-call \
                 get-multi-party-call`) before trying again."
            );
            UNKNOWN_OUTCOME
        }
    };
    ExitCode::from(code)
}

/// Invalid input found by `phlo` itself (before the library saw it).
pub(crate) fn invalid(message: &str) -> ExitCode {
    eprintln!("phlo: {message}");
    ExitCode::from(INVALID_INPUT)
}

/// `phlo` itself failed.
pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("phlo: {message}");
    ExitCode::FAILURE
}
