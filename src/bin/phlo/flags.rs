//! Every flag `phlo` has is made by [`flag`] (`--name`, its id the same
//! name). The names the spec's operations and fields take on the command
//! line are collision-free by construction. A name is the spec's, in kebab
//! case; where that is already taken (by a global option, `--body-json`,
//! `--param`, `--help`, `--version`, or an earlier name of the same
//! command), it gets a prefix, again until it is free: `--param-` for a
//! path or query parameter, `--body-` for a body field, `op-` for an
//! operation. The spec's order decides who keeps the plain name, so the
//! names only change when the spec does.

use std::collections::HashMap;

use clap::{Arg, ArgAction, ArgMatches, builder::Str};
use plivo_phlo::spec::{Field, Location, OPERATIONS, Operation};
use serde_json::{Map, Value};

use crate::{config, kebab};

/// How a clashing name is renamed, for each generated subcommand's help.
pub(crate) const RULE: &str = "\
Flag names: each flag is the spec's name in kebab case. A name that would clash with a \
global option, --body-json, --param, --help, --version or an earlier flag gets a prefix \
until it is free: --param-<name> for a path or query parameter, --body-<name> for a body \
field (e.g. a body field `timeout` is --body-timeout).";

/// The flag `--name`, whose value is read back by `name`.
pub(crate) fn flag(name: impl Into<Str>) -> Arg {
    let name = name.into();
    Arg::new(name.clone()).long(name)
}

/// The flag `--name`, on or off.
pub(crate) fn switch(name: &'static str) -> Arg {
    flag(name).action(ArgAction::SetTrue)
}

/// `--param KEY=VALUE`, repeatable: a body key and its (string) value.
pub(crate) fn param() -> Arg {
    flag("param")
        .value_name("KEY=VALUE")
        .action(ArgAction::Append)
}

/// The `--param` pairs given, as body entries (the values strings).
pub(crate) fn params(matches: &ArgMatches) -> Result<Map<String, Value>, String> {
    let pairs = matches.get_many::<String>("param").into_iter().flatten();
    pairs
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), Value::from(value))),
            _ => Err(format!("--param {pair:?}: expected KEY=VALUE")),
        })
        .collect()
}

/// Subcommand names the friendly commands hold; a tag with one of them is
/// renamed `<name>-ops`.
const TAKEN: &[&str] = &["mpc", "run", "mock", "completions", "help"];

/// The long flags a generated subcommand has besides its own.
fn reserved() -> Vec<String> {
    let globals = config::args();
    let globals = globals.iter().filter_map(Arg::get_long);
    let own = ["body-json", "param", "help", "version"];
    globals.chain(own).map(String::from).collect()
}

/// `name` in kebab case, prefixed with `prefix-` until it is not in `taken`;
/// then it is taken.
fn free(taken: &mut Vec<String>, name: &str, prefix: &str) -> String {
    let mut flag = kebab(name);
    while flag.is_empty() || taken.contains(&flag) {
        flag = format!("{prefix}-{flag}");
    }
    taken.push(flag.clone());
    flag
}

/// Each path or query parameter of `op`, then each body field, with its
/// flag.
pub(crate) fn flags(op: &Operation) -> Vec<(&'static Field, String)> {
    let mut taken = reserved();
    let body = op.body.iter().flat_map(|body| body.fields);
    op.params
        .iter()
        .chain(body)
        .map(|field| {
            let prefix = match field.location {
                Location::Body => "body",
                _ => "param",
            };
            (field, free(&mut taken, field.name, prefix))
        })
        .collect()
}

/// One generated subcommand: `phlo <group> <name>`.
pub(crate) struct Named {
    pub(crate) group: String,
    pub(crate) name: String,
    pub(crate) op: &'static Operation,
}

/// Every operation of the spec with its group and name, in the spec's order.
pub(crate) fn commands() -> Vec<Named> {
    // The names taken in each group.
    let mut taken: HashMap<String, Vec<String>> = HashMap::new();
    OPERATIONS
        .iter()
        .map(|op| {
            let mut group = kebab(op.tag);
            if TAKEN.contains(&group.as_str()) {
                group.push_str("-ops");
            }
            let names = taken.entry(group.clone()).or_insert(vec!["help".into()]);
            let name = free(names, op.id, "op");
            Named { group, name, op }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clash_gets_a_prefix_until_it_is_free() {
        let mut taken = reserved();
        assert_eq!(free(&mut taken, "phlo_id", "param"), "phlo-id");
        assert_eq!(free(&mut taken, "auth_id", "param"), "param-auth-id");
        assert_eq!(free(&mut taken, "timeout", "body"), "body-timeout");
        assert_eq!(
            free(&mut taken, "body_timeout", "body"),
            "body-body-timeout"
        );
        assert_eq!(free(&mut taken, "body_json", "body"), "body-body-json");
        assert_eq!(free(&mut taken, "Phlo_Id", "body"), "body-phlo-id");
        assert_eq!(free(&mut taken, "help", "body"), "body-help");
    }

    #[test]
    fn the_specs_names_are_distinct_and_clear_of_every_global() {
        let (reserved, commands) = (reserved(), commands());
        for (i, Named { group, name, op }) in commands.iter().enumerate() {
            let twice = commands[..i]
                .iter()
                .any(|b| (&b.group, &b.name) == (group, name));
            assert!(!twice, "{group} {name}");
            let all: Vec<String> = flags(op).into_iter().map(|(_, flag)| flag).collect();
            for (i, flag) in all.iter().enumerate() {
                assert!(!reserved.contains(flag), "{}: --{flag}", op.id);
                assert!(!all[..i].contains(flag), "{}: --{flag} twice", op.id);
            }
        }
    }
}
