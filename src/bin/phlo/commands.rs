//! A subcommand for every operation of the spec, from the operations table
//! (`plivo_phlo::spec::OPERATIONS`): grouped by tag, named after the
//! operationId in kebab case, a typed flag per path or query parameter and
//! per body property (enum values and descriptions from the spec), and
//! `--body-json` for a whole body. An operation added to the spec is here
//! at the next build.

use clap::{Arg, ArgAction, ArgMatches, Command, builder::PossibleValuesParser};
use plivo_phlo::spec::{Field, Kind, OPERATIONS, Operation};
use serde_json::{Map, Value};

use crate::{Call, kebab};

/// Names the friendly commands take; a tag with one of them is renamed.
const TAKEN: &[&str] = &["mpc", "run", "mock", "completions", "help"];

/// The subcommand name of a tag.
fn group_name(tag: &str) -> String {
    let name = kebab(tag);
    if TAKEN.contains(&name.as_str()) {
        format!("{name}-ops")
    } else {
        name
    }
}

pub(crate) fn groups() -> Vec<Command> {
    let mut tags: Vec<&str> = Vec::new();
    for op in OPERATIONS {
        if !tags.contains(&op.tag) {
            tags.push(op.tag);
        }
    }
    tags.into_iter()
        .map(|tag| {
            Command::new(group_name(tag))
                .about(format!("Operations tagged `{tag}` in the spec"))
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(OPERATIONS.iter().filter(|op| op.tag == tag).map(command))
        })
        .collect()
}

/// The flag of a body field: its name, or `body-<name>` where a path or
/// query parameter has that name.
fn body_flag(op: &Operation, field: &Field) -> String {
    if op.params.iter().any(|p| p.name == field.name) {
        format!("body-{}", kebab(field.name))
    } else {
        kebab(field.name)
    }
}

fn command(op: &'static Operation) -> Command {
    let mut command = Command::new(kebab(op.id))
        .about(op.summary)
        .long_about(format!(
            "{}\n\n{}\n\n{} {}",
            op.summary, op.description, op.method, op.path
        ));
    for field in op.params {
        // The account's auth_id comes from the configuration when not given.
        let required = field.required && field.schema != "AuthId";
        command = command.arg(flag(field, kebab(field.name), required));
    }
    if let Some(body) = &op.body {
        let mut fields = Vec::new();
        for field in body.fields {
            let name = body_flag(op, field);
            fields.push(name.clone());
            command = command.arg(flag(field, name, false).help_heading("Body"));
        }
        if body.free_form {
            fields.push("param".into());
            command = command.arg(
                Arg::new("param")
                    .long("param")
                    .value_name("KEY=VALUE")
                    .action(ArgAction::Append)
                    .help_heading("Body")
                    .help("A body key and its (string) value; repeat for more"),
            );
        }
        command = command.arg(
            Arg::new("body-json")
                .long("body-json")
                .value_name("JSON|@FILE|-")
                .conflicts_with_all(fields)
                .help_heading("Body")
                .help(format!(
                    "The whole body ({}) as JSON, @file to read it from a file, - for stdin",
                    body.schema
                )),
        );
    }
    command
}

fn flag(field: &Field, name: String, required: bool) -> Arg {
    let mut help = field.description.trim().to_string();
    if let Some(default) = field.default {
        help.push_str(&format!(" [default: {default}]"));
    }
    let mut arg = Arg::new(name.clone())
        .long(name)
        .value_name(field.name.to_ascii_uppercase())
        .required(required)
        .help(help);
    if !field.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(field.values.iter().copied()));
    }
    arg
}

/// The call a generated subcommand asks for.
pub(crate) fn call(group: &str, matches: &ArgMatches) -> Result<Call, String> {
    let (name, matches) = matches.subcommand().ok_or("no operation given")?;
    let op = OPERATIONS
        .iter()
        .find(|op| group_name(op.tag) == group && kebab(op.id) == name)
        .ok_or_else(|| format!("no operation {group} {name}"))?;
    let mut params = Vec::new();
    for field in op.params {
        if let Some(value) = matches.get_one::<String>(&kebab(field.name)) {
            params.push((field.name, value.clone()));
        }
    }
    let body = match &op.body {
        None => None,
        Some(body) => match matches.get_one::<String>("body-json") {
            Some(text) => Some(read_json(text)?),
            None => {
                let mut object = Map::new();
                for field in body.fields {
                    if let Some(value) = matches.get_one::<String>(&body_flag(op, field)) {
                        object.insert(field.name.to_string(), typed(field, value)?);
                    }
                }
                // `--param` exists only for a free-form body.
                let pairs = body
                    .free_form
                    .then(|| matches.get_many::<String>("param"))
                    .flatten();
                for pair in pairs.into_iter().flatten() {
                    let (key, value) = key_value(pair)?;
                    object.insert(key, value);
                }
                (!object.is_empty()).then_some(Value::Object(object))
            }
        },
    };
    Ok(Call {
        operation: op.id,
        params,
        body,
        summary: op.summary.to_string(),
    })
}

/// `key=value` as a body entry (the value a string).
pub(crate) fn key_value(pair: &str) -> Result<(String, Value), String> {
    match pair.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_string(), Value::String(value.to_string())))
        }
        _ => Err(format!("--param {pair:?}: expected KEY=VALUE")),
    }
}

/// A flag's text as the JSON the field's kind asks for.
fn typed(field: &Field, text: &str) -> Result<Value, String> {
    let bad = |what: &str| format!("--{} {text:?}: expected {what}", kebab(field.name));
    Ok(match field.kind {
        Kind::Integer => Value::from(text.parse::<i64>().map_err(|_| bad("an integer"))?),
        Kind::Number => Value::from(text.parse::<f64>().map_err(|_| bad("a number"))?),
        Kind::Boolean => Value::from(text.parse::<bool>().map_err(|_| bad("true or false"))?),
        Kind::Array | Kind::Object => serde_json::from_str(text).map_err(|_| bad("JSON"))?,
        _ => Value::String(text.to_string()),
    })
}

/// `--body-json`: JSON text, `@file`, or `-` for stdin.
fn read_json(text: &str) -> Result<Value, String> {
    let source = if text == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}"))?
    } else if let Some(path) = text.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
    } else {
        text.to_string()
    };
    serde_json::from_str(&source).map_err(|e| format!("--body-json is not JSON: {e}"))
}
