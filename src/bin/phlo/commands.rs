//! A subcommand for every operation of the spec, from the operations table
//! (`plivo_phlo::spec::OPERATIONS`): grouped by tag, named after the
//! operationId in kebab case, a typed flag per path or query parameter and
//! per body property (enum values and descriptions from the spec), and
//! `--body-json` for a whole body (names made collision-free in `flags`).
//! An operation added to the spec is here at the next build.

use clap::{Arg, ArgAction, ArgMatches, Command, builder::PossibleValuesParser};
use plivo_phlo::spec::{Field, Kind, Location, Operation, TextType};
use serde_json::{Map, Value};

use crate::{
    ByName,
    flags::{self, Named},
};

/// A subcommand per tag, holding its operations' subcommands.
pub(crate) fn groups() -> Vec<Command> {
    let mut groups: Vec<Command> = Vec::new();
    for Named { group, name, op } in flags::commands() {
        let command = command(op, &name);
        match groups.iter_mut().find(|g| g.get_name() == group) {
            Some(g) => *g = std::mem::take(g).subcommand(command),
            None => groups.push(
                Command::new(group)
                    .about(format!("Operations tagged `{}` in the spec", op.tag))
                    .subcommand_required(true)
                    .arg_required_else_help(true)
                    .subcommand(command),
            ),
        }
    }
    groups
}

/// `phlo --help`'s list of every generated subcommand.
pub(crate) fn listing() -> String {
    let commands = flags::commands();
    let usage = |named: &Named| format!("phlo {} {}", named.group, named.name);
    let width = commands.iter().map(|n| usage(n).len()).fold(0, usize::max);
    let mut text =
        String::from("Operations of the spec (phlo <group> <operation> --help for its flags):\n");
    for named in &commands {
        text += &format!("  {:<width$}  {}\n", usage(named), named.op.summary);
    }
    text
}

/// The subcommand of one operation, named `name`.
pub(crate) fn command(op: &Operation, name: &str) -> Command {
    let flags = flags::flags(op);
    let mut command = Command::new(name.to_string())
        .about(op.summary)
        .long_about(format!(
            "{}\n\n{}\n\n{} {}",
            op.summary, op.description, op.method, op.path
        ))
        .after_long_help(flags::RULE)
        .args(flags.iter().map(|(field, flag)| arg(field, flag)));
    if let Some(body) = &op.body {
        let mut fields: Vec<String> = flags
            .iter()
            .filter(|(field, _)| field.location == Location::Body)
            .map(|(_, flag)| flag.clone())
            .collect();
        if body.free_form {
            fields.push("param".into());
            command = command.arg(
                flags::param()
                    .help_heading("Body")
                    .help("A body key and its (string) value; repeat for more"),
            );
        }
        command = command.arg(
            flags::flag("body-json")
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

/// The flag `--<flag>` of `field`.
fn arg(field: &Field, flag: &str) -> Arg {
    let mut help = field.description.trim().to_string();
    if let Some(default) = field.default {
        help.push_str(&format!(" [default: {default}]"));
    }
    let mut arg = flags::flag(flag.to_string()).value_name(field.name.to_ascii_uppercase());
    if !field.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(field.values.iter().copied()));
    }
    // An array query parameter: the flag once per value (`--tags a --tags b`).
    if field.kind == Kind::Array && field.location == Location::Query {
        arg = arg.action(ArgAction::Append);
    }
    if field.location != Location::Body {
        // The account's auth_id comes from the configuration when not given.
        let required = field.required && field.text_type() != Some(TextType::AuthId);
        arg.required(required).help(help)
    } else if field.required {
        arg.help_heading("Body")
            .required_unless_present("body-json")
            .help(format!("{help} [required unless --body-json]"))
    } else {
        arg.help_heading("Body").help(help)
    }
}

/// The call a generated subcommand asks for.
pub(crate) fn call(group: &str, matches: &ArgMatches) -> Result<ByName, String> {
    let (name, matches) = matches.subcommand().ok_or("no operation given")?;
    let Named { op, .. } = flags::commands()
        .into_iter()
        .find(|named| named.group == group && named.name == name)
        .ok_or_else(|| format!("no operation {group} {name}"))?;
    call_of(op, matches)
}

/// The call `op`'s subcommand asks for, from its matches.
fn call_of(op: &Operation, matches: &ArgMatches) -> Result<ByName, String> {
    let (mut params, mut object) = (Vec::new(), Map::new());
    for (field, flag) in flags::flags(op) {
        if field.location != Location::Body {
            for value in matches.get_many::<String>(&flag).into_iter().flatten() {
                params.push((field.name, value.clone()));
            }
        } else if let Some(value) = matches.get_one::<String>(&flag) {
            object.insert(field.name.to_string(), typed(field, &flag, value)?);
        }
    }
    // `--param` exists only for a free-form body, `--body-json` for a body.
    if op.body.is_some_and(|body| body.free_form) {
        object.extend(flags::params(matches)?);
    }
    let body = match op.body.and_then(|_| matches.get_one::<String>("body-json")) {
        Some(text) if text == "-" && matches.get_flag("token-stdin") => {
            return Err(STDIN_TWICE.to_string());
        }
        Some(text) => Some(read_json(text)?),
        None => (!object.is_empty()).then_some(Value::Object(object)),
    };
    Ok(ByName {
        operation: op.id,
        params,
        body,
        summary: op.summary.to_string(),
    })
}

/// Why `--token-stdin` and `--body-json -` are refused together.
const STDIN_TWICE: &str = "--token-stdin and --body-json - both read stdin: give the token \
     through PLIVO_AUTH_TOKEN or --token-file, or the body as --body-json @FILE";

/// A flag's text as the JSON the field's kind asks for.
fn typed(field: &Field, flag: &str, text: &str) -> Result<Value, String> {
    let bad = |what: &str| format!("--{flag} {text:?}: expected {what}");
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::{ArgMatches, Command, error::ErrorKind};
    use plivo_phlo::spec::{self, Kind, Operation};
    use serde_json::json;

    use super::{ByName, call_of, command};

    /// `run_phlo` (path parameters `auth_id`, `phlo_id`) with a body whose
    /// fields are named like the global options.
    fn clashing() -> &'static Operation {
        let add_user = spec::operation("update_multi_party_call").unwrap();
        let mut body = add_user.body.unwrap();
        let field = |name: &'static str, kind: Kind, required: bool| {
            let mut field = body.fields[0];
            (field.name, field.kind, field.required) = (name, kind, required);
            (field.schema, field.values, field.default) = ("", &[], None);
            field
        };
        let fields = vec![
            field("timeout", Kind::Integer, true),
            field("retry", Kind::Boolean, false),
            field("dry_run", Kind::String, false),
            field("body_json", Kind::String, false),
        ];
        body.fields = Box::leak(fields.into_boxed_slice());
        body.free_form = false;
        let mut op = *spec::operation("run_phlo").unwrap();
        (op.id, op.body) = ("clashing", Some(body));
        Box::leak(Box::new(op))
    }

    /// `phlo`, with `op` as `phlo group clashing`.
    fn cli(op: &Operation) -> Command {
        Command::new("phlo")
            .args(crate::config::args())
            .subcommand(Command::new("group").subcommand(command(op, "clashing")))
    }

    fn parse(op: &Operation, args: &str) -> Result<ArgMatches, clap::Error> {
        cli(op).try_get_matches_from(args.split(' '))
    }

    /// The call `phlo group clashing` asks for.
    fn call(op: &Operation, matches: &ArgMatches) -> ByName {
        let (_, group) = matches.subcommand().unwrap();
        call_of(op, group.subcommand().unwrap().1).unwrap()
    }

    #[test]
    fn spec_names_never_clash_with_the_global_options() {
        let op = clashing();
        cli(op).debug_assert();
        let matches = parse(
            op,
            "phlo --timeout 10s group clashing --retry --dry-run --auth-id MAGLOBALGLOBALGLOBAL \
             --param-auth-id MAPATHPATHPATHPATH01 --phlo-id p1 --body-timeout 5 \
             --body-retry true --body-dry-run yes --body-body-json x",
        )
        .unwrap();
        // The global options stay global...
        assert_eq!(
            matches.get_one::<Duration>("timeout"),
            Some(&Duration::from_secs(10))
        );
        assert!(matches.get_flag("retry") && matches.get_flag("dry-run"));
        assert_eq!(
            matches.get_one::<String>("auth-id").map(String::as_str),
            Some("MAGLOBALGLOBALGLOBAL")
        );
        // ...and the spec's fields go where the spec says.
        let call = call(op, &matches);
        assert_eq!(
            call.params,
            [
                ("auth_id", "MAPATHPATHPATHPATH01".to_string()),
                ("phlo_id", "p1".to_string())
            ]
        );
        assert_eq!(
            call.body,
            Some(json!({"timeout": 5, "retry": true, "dry_run": "yes", "body_json": "x"}))
        );
    }

    #[test]
    fn a_required_body_field_is_required_unless_body_json_is_given() {
        let op = clashing();
        let missing = parse(op, "phlo group clashing --phlo-id p1").unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::MissingRequiredArgument);
        assert!(missing.to_string().contains("--body-timeout"), "{missing}");
        let whole = parse(
            op,
            r#"phlo group clashing --phlo-id p1 --body-json {"timeout":1}"#,
        );
        assert_eq!(call(op, &whole.unwrap()).body, Some(json!({"timeout": 1})));
        let help = command(op, "clashing").render_long_help().to_string();
        assert!(help.contains("[required unless --body-json]"), "{help}");
        assert!(help.contains("--body-<name> for a body field"), "{help}");
    }
}
