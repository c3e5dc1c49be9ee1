//! Global options and the client they make: credentials (never the token as
//! an argument), base URL, timeout, retries; the per-call options (extra
//! headers, extra body, the answer's metadata).

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches};
use plivo_phlo::{
    CallOptions, ENV_AUTH_ID, ENV_AUTH_TOKEN, ENV_BASE_URL, PhloClient, ResponseSlot, RetryPolicy,
};
use serde_json::Value;

use crate::flags::{flag, switch};

/// The global options, in `--help`'s order.
pub(crate) fn args() -> Vec<Arg> {
    [
        flag("auth-id")
            .env(ENV_AUTH_ID)
            .hide_env_values(true)
            .value_name("AUTH_ID")
            .help("The account's auth_id (MA… or SA…)"),
        flag("token-file")
            .value_name("PATH")
            .conflicts_with("token-stdin")
            .help("Read the auth token from this file (instead of PLIVO_AUTH_TOKEN)"),
        switch("token-stdin").help("Read the auth token from the first line of stdin"),
        flag("base-url")
            .env(ENV_BASE_URL)
            .hide_env_values(true)
            .value_name("URL")
            .help("Where requests go [default: https://phlorunner.plivo.com/v1]"),
        switch("allow-http")
            .help("Allow plain http:// on a non-loopback host (the token would travel in clear text)"),
        flag("timeout")
            .value_name("DURATION")
            .value_parser(duration)
            .help("Limit on the whole request: 10, 10s, 500ms [default: 30s]"),
        switch("retry")
            .help("Retry what is safe to retry (GETs; a POST only when it provably never reached Plivo)"),
        flag("header")
            .value_name("NAME:VALUE")
            .action(ArgAction::Append)
            .help("An extra request header (repeatable); Authorization, Host, Content-Length, User-Agent and the request's own headers are refused"),
        flag("extra-body")
            .value_name("JSON")
            .value_parser(json_object)
            .help("A JSON object whose members are added to the request body (a field the command already sets is refused)"),
        switch("include-meta").help("Print the answer's status, headers and api_id to stderr"),
        switch("dry-run").help("Print the exact request (Authorization redacted) and send nothing"),
    ]
    .map(|arg| arg.global(true))
    .into()
}

/// `10`, `10s`, `1.5s`, `500ms`.
fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.strip_suffix("ms") {
        Some(n) => (n, 0.001),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0 && *n * unit <= 3600.0)
        .map(|n| Duration::from_secs_f64(n * unit))
        .ok_or_else(|| format!("{text:?} is not a duration like 10s or 500ms (at most 1 hour)"))
}

/// `--extra-body`: JSON (whether it is an object is the library's check).
fn json_object(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{text:?} is not JSON: {e}"))
}

/// `--header NAME:VALUE`, split at the first `:` (the value trimmed).
fn header(text: &str) -> Result<(&str, &str), String> {
    text.split_once(':')
        .map(|(name, value)| (name.trim(), value.trim()))
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| format!("--header {text:?} is not NAME:VALUE"))
}

/// The per-call options the flags ask for, as a
/// [`PhloClient::with_options`] view of `client` (none asked for: an empty
/// [`CallOptions`], with which the client's own settings apply).
fn with_options(client: PhloClient, matches: &ArgMatches) -> Result<PhloClient, String> {
    let mut options = CallOptions::new();
    for text in matches.get_many::<String>("header").into_iter().flatten() {
        let (name, value) = header(text)?;
        options = options.header(name, value);
    }
    if let Some(extra) = matches.get_one::<Value>("extra-body") {
        options = options.extra_body(extra.clone());
    }
    if matches.get_flag("include-meta") {
        options = options.capture_response(&ResponseSlot::new());
    }
    Ok(client.with_options(options))
}

/// The client the options describe, or why there is none.
pub(crate) fn client(matches: &ArgMatches) -> Result<PhloClient, String> {
    let auth_id = matches
        .get_one::<String>("auth-id")
        .ok_or_else(|| format!("no auth_id: set {ENV_AUTH_ID} (or --auth-id)"))?;
    let token = token(matches)?;
    let mut builder = PhloClient::builder()
        .credentials(auth_id, token)
        .allow_http(matches.get_flag("allow-http"));
    if let Some(url) = matches.get_one::<String>("base-url") {
        builder = builder.base_url(url);
    }
    if let Some(timeout) = matches.get_one::<Duration>("timeout") {
        builder = builder.timeout(*timeout);
    }
    if matches.get_flag("retry") {
        builder = builder.retry(RetryPolicy::exponential());
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    with_options(client, matches)
}

pub(crate) fn token(matches: &ArgMatches) -> Result<String, String> {
    let token = if let Some(path) = matches.get_one::<String>("token-file") {
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --token-file {path}: {e}"))?
    } else if matches.get_flag("token-stdin") {
        let line = std::io::stdin().lines().next().unwrap_or(Ok(String::new()));
        line.map_err(|e| format!("cannot read the token from stdin: {e}"))?
    } else {
        std::env::var(ENV_AUTH_TOKEN).map_err(|_| {
            format!("no auth token: set {ENV_AUTH_TOKEN}, or use --token-file or --token-stdin")
        })?
    };
    // A file or a line ends with a newline; the token never does.
    Ok(token.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(test)]
mod tests {
    use super::duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("1.5s"), Ok(Duration::from_millis(1500)));
        for bad in ["", "0", "-1", "x", "2h", "7200", "NaN"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }
}
