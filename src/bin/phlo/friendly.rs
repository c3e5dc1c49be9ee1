//! Commands for the main job, on top of the generated ones: `phlo mpc
//! add-user | warm-transfer | cold-transfer | member ADDRESS ACTION` and
//! `phlo run PHLO`. The `mpc` commands are built by the library's
//! `MultiPartyCall` and `Member` (the body is decided there, once, for the
//! library's wrappers and for these); `run` becomes the call the generated
//! command would make. All go through the same checks and pipeline.

// The `mpc` commands are tag `multi_party_call`'s, `run` is tag `phlo`'s
// (each a Cargo feature): each is compiled with its tag.
#![cfg_attr(
    not(all(feature = "multi-party-call", feature = "phlo")),
    allow(dead_code, unused_imports)
)]

use std::{process::ExitCode, str::FromStr};

use clap::{Arg, ArgMatches, Command, builder::PossibleValuesParser};
#[cfg(feature = "multi-party-call")]
use plivo_phlo::types::MultiPartyCallAction;
use plivo_phlo::{Error, PhloClient, spec};
use serde_json::Value;

use crate::{
    ByName, finish,
    flags::{flag, param, params},
    kebab,
};

const ADD_USER: &str = "update_multi_party_call";
const MEMBER: &str = "update_multi_party_call_member";
const RUN: &str = "run_phlo";

/// The values the spec allows for a body field, as shown (kebab case) and
/// as sent (the spec's own text, exactly).
struct Choices(Vec<(String, &'static str)>);

impl Choices {
    /// The choices of `field` in the body of `operation`.
    fn of(operation: &str, field: &str) -> Self {
        let body = spec::operation(operation).and_then(|op| op.body);
        let field = body.and_then(|body| body.fields.iter().find(|f| f.name == field));
        Self::new(field.map_or(&[], |f| f.values))
    }

    /// Each value in kebab case, unless two would then look alike: then
    /// every value as the spec writes it.
    fn new(values: &[&'static str]) -> Self {
        let shown: Vec<String> = values.iter().map(|v| kebab(v)).collect();
        let distinct = (0..shown.len()).all(|i| !shown[..i].contains(&shown[i]));
        Choices(
            values
                .iter()
                .zip(shown)
                .map(|(value, shown)| (if distinct { shown } else { value.to_string() }, *value))
                .collect(),
        )
    }

    fn shown(&self) -> Vec<String> {
        self.0.iter().map(|(shown, _)| shown.clone()).collect()
    }

    /// The spec's value shown as `shown` (clap allows only those; anything
    /// else comes back as given, for [`typed`] to refuse).
    fn sent(&self, shown: &str) -> String {
        let value = self.0.iter().find(|(s, _)| s == shown);
        value.map_or(shown, |(_, value)| *value).to_string()
    }
}

fn node_args() -> [Arg; 2] {
    [
        flag("phlo")
            .env("PLIVO_PHLO_ID")
            .hide_env_values(true)
            .required(true)
            .value_name("PHLO_ID")
            .help("The PHLO's id"),
        flag("node")
            .env("PLIVO_NODE_ID")
            .hide_env_values(true)
            .required(true)
            .value_name("NODE_ID")
            .help("The Multi-Party Call node's id"),
    ]
}

fn transfer(name: &'static str, about: &'static str) -> Command {
    Command::new(name).about(about).args(node_args()).args([
        flag("to")
            .required(true)
            .value_name("ADDRESS")
            .help("Who is dialled: a phone number (+14152225555) or a SIP URI"),
        flag("trigger-source")
            .required(true)
            .value_name("ADDRESS")
            .help("The member asking for it, already on the call"),
        flag("role")
            .default_value("agent")
            .value_parser(PossibleValuesParser::new(
                Choices::of(ADD_USER, "role").shown(),
            ))
            .help("The new member's role"),
    ])
}

/// The commands of the tags this build has.
pub(crate) fn commands() -> Vec<Command> {
    Vec::from([
        #[cfg(feature = "multi-party-call")]
        mpc(),
        #[cfg(feature = "phlo")]
        run(),
    ])
}

#[cfg(feature = "multi-party-call")]
fn mpc() -> Command {
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
                .args([
                    Arg::new("address")
                        .required(true)
                        .value_name("ADDRESS")
                        .help("The member's phone number or SIP URI"),
                    Arg::new("action")
                        .required(true)
                        .value_name("ACTION")
                        .value_parser(PossibleValuesParser::new(
                            Choices::of(MEMBER, "action").shown(),
                        ))
                        .help("What to do"),
                ]),
        )
}

#[cfg(feature = "phlo")]
fn run() -> Command {
    Command::new("run")
        .about("Run a PHLO, with the parameters its Start node takes")
        .args([
            Arg::new("phlo")
                .required(true)
                .value_name("PHLO_ID")
                .help("The PHLO's id"),
            param().help("A start parameter (sent verbatim, as a string); repeat for more"),
        ])
}

fn text(matches: &ArgMatches, name: &str) -> String {
    matches.get_one::<String>(name).cloned().unwrap_or_default()
}

/// A value clap allowed (one of the spec's `field` values of `operation`,
/// as shown) as its typed enum.
fn typed<T: FromStr>(operation: &str, field: &'static str, shown: &str) -> Result<T, Error> {
    let value = Choices::of(operation, field).sent(shown);
    value.parse().map_err(|_| Error::InvalidInput {
        field,
        value,
        reason: "is not a value the spec allows".into(),
    })
}

/// Builds a `phlo mpc` command's request with the library's own handles
/// (what `MultiPartyCall::update` or `Member::act` would send, so the CLI
/// and the library's wrappers cannot drift apart), then prints or sends it.
#[cfg(feature = "multi-party-call")]
pub(crate) async fn mpc_call(matches: &ArgMatches, client: &PhloClient, dry_run: bool) -> ExitCode {
    let Some((name, m)) = matches.subcommand() else {
        unreachable!("an mpc command is required")
    };
    let mpc = client.multi_party_call(&text(m, "phlo"), &text(m, "node"));
    if name == "member" {
        let (address, shown) = (text(m, "address"), text(m, "action"));
        let member = mpc.member(&address);
        let prepared = typed(MEMBER, "action", &shown).and_then(|action| member.prepare(action));
        return finish(prepared, &format!("{shown} {address}"), dry_run).await;
    }
    let action = match name {
        "add-user" => MultiPartyCallAction::Call,
        "warm-transfer" => MultiPartyCallAction::WarmTransfer,
        "cold-transfer" => MultiPartyCallAction::ColdTransfer,
        other => unreachable!("no mpc command {other}"),
    };
    let (to, role, trigger_source) = (text(m, "to"), text(m, "role"), text(m, "trigger-source"));
    let prepared = typed(ADD_USER, "role", &role)
        .and_then(|typed| mpc.prepare(action, &to, typed, &trigger_source));
    finish(prepared, &format!("{name} {to} as {role}"), dry_run).await
}

#[cfg(feature = "phlo")]
pub(crate) fn run_call(matches: &ArgMatches) -> Result<ByName, String> {
    let body = params(matches)?;
    let phlo = text(matches, "phlo");
    Ok(ByName {
        operation: RUN,
        params: vec![("phlo_id", phlo.clone())],
        body: Some(Value::Object(body)),
        summary: format!("run PHLO {phlo}"),
    })
}

#[cfg(all(test, feature = "multi-party-call"))]
mod tests {
    use super::{ADD_USER, Choices, MEMBER, spec};

    #[test]
    fn a_shown_value_goes_on_the_wire_as_the_spec_writes_it() {
        let choices = Choices::new(&["Voicemail-Drop", "resume_call", "HOLD"]);
        assert_eq!(choices.shown(), ["voicemail-drop", "resume-call", "hold"]);
        assert_eq!(choices.sent("voicemail-drop"), "Voicemail-Drop");
        assert_eq!(choices.sent("resume-call"), "resume_call");
        assert_eq!(choices.sent("hold"), "HOLD");
        // Values kebab case would confuse are shown as they are.
        let alike = Choices::new(&["a_b", "a-b"]);
        assert_eq!(alike.shown(), ["a_b", "a-b"]);
        assert_eq!(alike.sent("a-b"), "a-b");
        assert_eq!(alike.sent("a_b"), "a_b");
    }

    #[test]
    fn every_spec_value_round_trips() {
        for (op, field) in [(MEMBER, "action"), (ADD_USER, "role"), (ADD_USER, "action")] {
            let body = spec::operation(op).and_then(|op| op.body).unwrap();
            let values = body.fields.iter().find(|f| f.name == field).unwrap().values;
            assert!(!values.is_empty(), "{op}.{field}");
            let choices = Choices::of(op, field);
            for (shown, value) in choices.shown().iter().zip(values) {
                assert_eq!(&choices.sent(shown), value);
            }
        }
    }
}
