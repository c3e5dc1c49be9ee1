//! `phlo`: Plivo's PHLO runtime API from the command line, for the people on
//! call. Every operation of `spec/phlo.yaml` is a subcommand (generated from
//! the spec's operations table, grouped by tag), friendly commands for the
//! Multi-Party Call sit on top, and `phlo mock` runs `MockPhlo` standalone.
//!
//! Every request goes through the library's guarded pipeline: checked before
//! any I/O, typed errors, never a second dial.

mod commands;
mod config;
mod flags;
mod friendly;
mod mock;
mod output;
mod verify;

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};
use plivo_phlo::{PhloClient, Prepared};
use serde_json::Value;

/// What a subcommand asks for: an operation, its path and query values by
/// the spec's names, and a JSON body.
pub(crate) struct ByName {
    pub(crate) operation: &'static str,
    pub(crate) params: Vec<(&'static str, String)>,
    pub(crate) body: Option<Value>,
    /// What it does, in words, for the summary line.
    pub(crate) summary: String,
}

fn cli() -> Command {
    Command::new("phlo")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Plivo's PHLO runtime API from the command line: add users to a live Multi-Party Call, transfer, hold, hang up, run a PHLO")
        .long_about(
            "Plivo's PHLO runtime API from the command line.\n\n\
             Credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN, or the token from \
             --token-file or --token-stdin; never from an argument (process lists show \
             arguments). The answer is printed to stdout as JSON, a one-line summary to stderr.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(format!("{}\n{}", commands::listing(), output::EXIT_CODES))
        .args(config::args())
        .subcommands(friendly::commands())
        .subcommands(commands::groups())
        .subcommand(verify::command())
        .subcommand(mock::command())
        .subcommand(
            Command::new("completions")
                .about("Prints a shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(["bash", "zsh", "fish"]),
                ),
        )
}

fn main() -> ExitCode {
    // An invalid command line exits 2 (INVALID_INPUT) from clap itself, and
    // --help or --version 0.
    let matches = cli().get_matches();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return output::fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(run(&matches))
}

async fn run(matches: &ArgMatches) -> ExitCode {
    let call = match matches.subcommand() {
        Some(("completions", m)) => return completions(m),
        Some(("mock", m)) => return mock::run(m).await,
        Some(("verify-callback", m)) => return verify::run(matches, m),
        #[cfg(feature = "multi-party-call")]
        Some(("mpc", m)) => Ok(Request::Mpc(m.clone())),
        #[cfg(feature = "phlo")]
        Some(("run", m)) => friendly::run_call(m).map(Request::ByName),
        Some((group, m)) => commands::call(group, m).map(Request::ByName),
        None => unreachable!("a subcommand is required"),
    };
    let call = match call {
        Ok(call) => call,
        Err(message) => return output::invalid(&message),
    };
    let client = match config::client(matches) {
        Ok(client) => client,
        Err(e) => return output::invalid(&e),
    };
    let dry_run = matches.get_flag("dry-run");
    let code = match call {
        Request::ByName(call) => execute(&client, call, dry_run).await,
        #[cfg(feature = "multi-party-call")]
        Request::Mpc(m) => friendly::mpc_call(&m, &client, dry_run).await,
    };
    // --include-meta: the answer's metadata, when there was one.
    if let Some(meta) = client
        .call_options()
        .and_then(|o| o.response_slot())
        .and_then(|slot| slot.take())
    {
        output::meta(&meta);
    }
    code
}

/// A subcommand's request: an operation by name, or a `phlo mpc` command,
/// which the library's handles build once there is a client.
enum Request {
    ByName(ByName),
    #[cfg(feature = "multi-party-call")]
    Mpc(ArgMatches),
}

/// Builds the request (checking every value), then prints it (`--dry-run`)
/// or sends it through the pipeline.
async fn execute(client: &PhloClient, call: ByName, dry_run: bool) -> ExitCode {
    let mut params: Vec<(&str, &str)> = call.params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    // The account's own auth_id, where an operation's path has one.
    let fields = plivo_phlo::spec::operation(call.operation).map_or(&[][..], |op| op.params);
    for field in fields {
        let auth_id = field.text_type() == Some(plivo_phlo::spec::TextType::AuthId);
        if auth_id && !params.iter().any(|(n, _)| *n == field.name) {
            params.push((field.name, client.auth_id()));
        }
    }
    let prepared = client
        .operations()
        .prepare(call.operation, &params, call.body);
    finish(prepared, &call.summary, dry_run).await
}

/// Prints a prepared request (`--dry-run`) or sends it through the
/// pipeline and prints the answer.
pub(crate) async fn finish(
    prepared: Result<Prepared<'_>, plivo_phlo::Error>,
    summary: &str,
    dry_run: bool,
) -> ExitCode {
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return output::error(&e),
    };
    if dry_run {
        output::dry_run(&prepared);
        return ExitCode::SUCCESS;
    }
    // A 2xx that is not the operation's answer is an unknown outcome.
    match prepared.send_checked().await {
        Ok(answer) => output::answer(summary, &answer),
        Err(e) => output::error(&e),
    }
}

fn completions(matches: &ArgMatches) -> ExitCode {
    use clap_complete::Shell;
    let shell = match matches.get_one::<String>("shell").map(String::as_str) {
        Some("zsh") => Shell::Zsh,
        Some("fish") => Shell::Fish,
        _ => Shell::Bash,
    };
    clap_complete::generate(shell, &mut cli(), "phlo", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// `add_user` -> `add-user`.
pub(crate) fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            // Each one, so `a__b` and `a_b` stay apart.
            out.push('-');
            continue;
        }
        // A capital after a small letter or a digit, or the last capital of
        // a run before a small letter (`HTTPServer`), starts a word.
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if starts_word {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_become_kebab_case() {
        for (name, want) in [
            ("update_multi_party_call", "update-multi-party-call"),
            ("end_time__gt", "end-time--gt"),
            ("camelCase", "camel-case"),
            ("kebab-name", "kebab-name"),
            ("Multi Party Call", "multi-party-call"),
            (
                "MultiPartyCall.StartRecording",
                "multi-party-call-start-recording",
            ),
            ("HTTPServer", "http-server"),
            ("v3Check", "v3-check"),
            ("_private", "private"),
        ] {
            assert_eq!(super::kebab(name), want, "{name}");
        }
    }

    #[test]
    fn the_command_line_is_well_formed() {
        super::cli().debug_assert();
    }
}
