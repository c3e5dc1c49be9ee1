//! `phlo verify-callback`: is this callback really from Plivo? Checks a V3
//! signature (`X-Plivo-Signature-V3`, or `X-Plivo-Signature-Ma-V3` with the
//! main account's token) with `plivo_phlo::callback`. Sends nothing.

use std::process::ExitCode;

use clap::{ArgAction, ArgMatches, Command};
use plivo_phlo::callback::{Callback, SignatureError, SignatureV3};
use plivo_phlo::reqwest::Method;

use crate::{config, flags::flag, output};

pub(crate) fn command() -> Command {
    Command::new("verify-callback")
        .about("Checks a callback's V3 signature with the auth token (exit 0 valid, 7 not)")
        .long_about(
            "Checks a callback's X-Plivo-Signature-V3 with the auth token (PLIVO_AUTH_TOKEN, \
             --token-file or --token-stdin); for X-Plivo-Signature-Ma-V3, give the main \
             account's token. Sends nothing. Exit 0 when a signature matches, 7 when none \
             does (or the signature is empty), 2 for invalid input.",
        )
        .args([
            flag("method")
                .required(true)
                .value_parser(["GET", "POST", "get", "post"])
                .help("The callback's method"),
            flag("url")
                .required(true)
                .value_name("URL")
                .help("The full URL Plivo called, query included"),
            flag("nonce")
                .required(true)
                .help("The X-Plivo-Signature-V3-Nonce header"),
            flag("signature")
                .required(true)
                .allow_hyphen_values(true)
                .help("The X-Plivo-Signature-V3 (or -Ma-V3) header: one or more comma-separated signatures"),
            flag("param")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A parameter (a POST's form field), as received; repeat for more, or for a list"),
            flag("body-file")
                .value_name("PATH")
                .conflicts_with("param")
                .help("The POST body (application/x-www-form-urlencoded) from this file"),
        ])
}

/// Exit 0 valid, 7 not, 2 for invalid input.
pub(crate) fn run(global: &ArgMatches, m: &ArgMatches) -> ExitCode {
    let arg = |name| m.get_one::<String>(name).map_or("", String::as_str);
    let method = if arg("method").eq_ignore_ascii_case("GET") {
        Method::GET
    } else {
        Method::POST
    };
    let mut owned = Vec::new();
    if let Some(path) = m.get_one::<String>("body-file") {
        match std::fs::read(path) {
            Ok(body) => owned.extend(form_urlencoded::parse(&body).into_owned()),
            Err(e) => return output::invalid(&format!("cannot read --body-file {path}: {e}")),
        }
    }
    for param in m.get_many::<String>("param").into_iter().flatten() {
        match param.split_once('=') {
            Some((name, value)) => owned.push((name.to_string(), value.to_string())),
            None => return output::invalid(&format!("--param {param:?} is not NAME=VALUE")),
        }
    }
    let params: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let token = match config::token(global) {
        Ok(token) => token,
        Err(e) => return output::invalid(&e),
    };
    let callback = Callback {
        method: &method,
        url: arg("url"),
        params: &params,
        nonce: arg("nonce"),
    };
    match SignatureV3::new(token).verify(&callback, arg("signature")) {
        Ok(()) => {
            eprintln!("phlo: valid: the signature matches the callback and the auth token");
            ExitCode::SUCCESS
        }
        Err(e @ (SignatureError::NoMatch | SignatureError::MissingSignature)) => {
            eprintln!("phlo: NOT VALID: {e}");
            ExitCode::from(output::NOT_VALID)
        }
        Err(e) => output::invalid(&e.to_string()),
    }
}
