//! Commands for the main job, on top of the generated ones: `phlo mpc
//! add-user | warm-transfer | cold-transfer | member ADDRESS ACTION` and
//! `phlo run PHLO`. Each becomes the same call the generated command would
//! make, so it goes through the same checks and pipeline.

use clap::{Arg, ArgAction, ArgMatches, Command, builder::PossibleValuesParser};
use plivo_phlo::spec;
use serde_json::{Map, Value, json};

use crate::{Call, commands::key_value, kebab};

const ADD_USER: &str = "update_multi_party_call";
const MEMBER: &str = "update_multi_party_call_member";
const RUN: &str = "run_phlo";

/// The values the spec allows for a body field of `operation`.
fn values(operation: &str, field: &str) -> Vec<String> {
    spec::operation(operation)
        .and_then(|op| op.body)
        .and_then(|body| body.fields.iter().find(|f| f.name == field))
        .map(|f| f.values.iter().map(|v| kebab(v)).collect())
        .unwrap_or_default()
}

fn node_args() -> [Arg; 2] {
    [
        Arg::new("phlo")
            .long("phlo")
            .env("PLIVO_PHLO_ID")
            .hide_env_values(true)
            .required(true)
            .value_name("PHLO_ID")
            .help("The PHLO's id"),
        Arg::new("node")
            .long("node")
            .env("PLIVO_NODE_ID")
            .hide_env_values(true)
            .required(true)
            .value_name("NODE_ID")
            .help("The Multi-Party Call node's id"),
    ]
}

fn transfer(name: &'static str, about: &'static str) -> Command {
    Command::new(name).about(about).args(node_args()).args([
        Arg::new("to")
            .long("to")
            .required(true)
            .value_name("ADDRESS")
            .help("Who is dialled: a phone number (+14152225555) or a SIP URI"),
        Arg::new("trigger-source")
            .long("trigger-source")
            .required(true)
            .value_name("ADDRESS")
            .help("The member asking for it, already on the call"),
        Arg::new("role")
            .long("role")
            .default_value("agent")
            .value_parser(PossibleValuesParser::new(values(ADD_USER, "role")))
            .help("The new member's role"),
    ])
}

pub(crate) fn mpc() -> Command {
    Command::new("mpc")
        .about("The Multi-Party Call node: add a user, transfer, act on a member")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(transfer(
            "add-user",
            "Dial someone and add them to the live call (action call)",
        ))
        .subcommand(transfer(
            "warm-transfer",
            "Warm transfer: the initiator talks with the new member before they join",
        ))
        .subcommand(transfer(
            "cold-transfer",
            "Cold transfer: the new member is connected and the initiator drops",
        ))
        .subcommand(
            Command::new("member")
                .about("Act on one member of the call")
                .args(node_args())
                .arg(
                    Arg::new("address")
                        .required(true)
                        .value_name("ADDRESS")
                        .help("The member's phone number or SIP URI"),
                )
                .arg(
                    Arg::new("action")
                        .required(true)
                        .value_name("ACTION")
                        .value_parser(PossibleValuesParser::new(values(MEMBER, "action")))
                        .help("What to do"),
                ),
        )
}

pub(crate) fn run() -> Command {
    Command::new("run")
        .about("Run a PHLO, with the parameters its Start node takes")
        .arg(
            Arg::new("phlo")
                .required(true)
                .value_name("PHLO_ID")
                .help("The PHLO's id"),
        )
        .arg(
            Arg::new("param")
                .long("param")
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .help("A start parameter (sent verbatim, as a string); repeat for more"),
        )
}

fn text(matches: &ArgMatches, name: &str) -> String {
    matches.get_one::<String>(name).cloned().unwrap_or_default()
}

fn node(matches: &ArgMatches) -> Vec<(&'static str, String)> {
    vec![
        ("phlo_id", text(matches, "phlo")),
        ("node_id", text(matches, "node")),
    ]
}

pub(crate) fn mpc_call(matches: &ArgMatches) -> Result<Call, String> {
    let (name, m) = matches.subcommand().ok_or("no mpc command given")?;
    if name == "member" {
        let (address, action) = (text(m, "address"), text(m, "action"));
        let mut params = node(m);
        params.push(("member_address", address.clone()));
        return Ok(Call {
            operation: MEMBER,
            params,
            body: Some(json!({ "action": action.replace('-', "_") })),
            summary: format!("{action} {address}"),
        });
    }
    let action = name.replace('-', "_").replace("add_user", "call");
    let (to, role) = (text(m, "to"), text(m, "role"));
    Ok(Call {
        operation: ADD_USER,
        params: node(m),
        body: Some(json!({
            "action": action,
            "to": to,
            "role": role.replace('-', "_"),
            "trigger_source": text(m, "trigger-source"),
        })),
        summary: format!("{name} {to} as {role}"),
    })
}

pub(crate) fn run_call(matches: &ArgMatches) -> Result<Call, String> {
    let mut body = Map::new();
    for pair in matches.get_many::<String>("param").into_iter().flatten() {
        let (key, value) = key_value(pair)?;
        body.insert(key, value);
    }
    let phlo = text(matches, "phlo");
    Ok(Call {
        operation: RUN,
        params: vec![("phlo_id", phlo.clone())],
        body: Some(Value::Object(body)),
        summary: format!("run PHLO {phlo}"),
    })
}
