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

/// The values the spec allows for a body field, as shown (kebab case) and
/// as sent (the spec's own text, exactly).
struct Choices(Vec<(String, &'static str)>);

impl Choices {
    /// The choices of `field` in the body of `operation`.
    fn of(operation: &str, field: &str) -> Self {
        let values = spec::operation(operation)
            .and_then(|op| op.body)
            .and_then(|body| body.fields.iter().find(|f| f.name == field))
            .map(|f| f.values)
            .unwrap_or_default();
        Self::new(values)
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
    /// else goes as typed, for the library to refuse).
    fn sent(&self, shown: &str) -> String {
        self.0
            .iter()
            .find(|(s, _)| s == shown)
            .map_or(shown, |(_, value)| *value)
            .to_string()
    }
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
            .value_parser(PossibleValuesParser::new(
                Choices::of(ADD_USER, "role").shown(),
            ))
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
                        .value_parser(PossibleValuesParser::new(
                            Choices::of(MEMBER, "action").shown(),
                        ))
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
            body: Some(json!({ "action": Choices::of(MEMBER, "action").sent(&action) })),
            summary: format!("{action} {address}"),
        });
    }
    // `add-user` is the action `call`; the transfers are named after theirs.
    let action =
        Choices::of(ADD_USER, "action").sent(if name == "add-user" { "call" } else { name });
    let (to, role) = (text(m, "to"), text(m, "role"));
    Ok(Call {
        operation: ADD_USER,
        params: node(m),
        body: Some(json!({
            "action": action,
            "to": to,
            "role": Choices::of(ADD_USER, "role").sent(&role),
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

#[cfg(test)]
mod tests {
    use super::{ADD_USER, Choices, MEMBER};

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
            let values = plivo_phlo::spec::operation(op)
                .unwrap()
                .body
                .unwrap()
                .fields;
            let values = values.iter().find(|f| f.name == field).unwrap().values;
            assert!(!values.is_empty(), "{op}.{field}");
            let choices = Choices::of(op, field);
            for (shown, value) in choices.shown().iter().zip(values) {
                assert_eq!(&choices.sent(shown), value);
            }
        }
    }
}
