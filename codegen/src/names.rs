//! Names: how a wire name becomes a Rust name, the same way typify and
//! progenitor make theirs (heck, plus their sanitising), and how a clash is
//! resolved. One place for case conversion in the generator.
//!
//! The rules (CONTRIBUTING.md, "Names"):
//! - a parameter or property is `snake_case` of its wire name; a Rust
//!   keyword gets a trailing `_` (`type_`, `self_`); a name that does not
//!   start with a letter gets an `x_` prefix;
//! - when two names of one operation (or one schema) come out the same
//!   (`a__b` and `a_b`), the first in the spec's order (for properties:
//!   in the order of their wire names, which is also the order they are
//!   serialised in) keeps it and the later ones get `_2`, `_3`, ...;
//! - an enum value is `PascalCase` of its text; a value with no letters or
//!   digits is spelled (`#` is `Hash`, `*` is `Star`, `""` is `Empty`); a
//!   value that starts with a digit gets a `V` prefix (`V0`); clashes get
//!   `2`, `3`, ... in the spec's order; `x-enum-varnames` overrides all of it.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// typify's `sanitize` in snake case: what progenitor names an argument
/// and typify a field (before clashes).
pub fn snake(input: &str) -> String {
    sanitize(input, |s| s.to_snake_case(), "x")
}

/// typify's `sanitize` in Pascal case: what typify names a type.
pub fn pascal(input: &str) -> String {
    sanitize(input, |s| s.to_pascal_case(), "X")
}

fn sanitize(input: &str, case: impl Fn(&str) -> String, prefix: &str) -> String {
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => case(
            &input
                .replace('\'', "")
                .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => case(prefix),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{}{out}", case(prefix)),
    };
    if is_keyword(&out) || out == "_" {
        format!("{out}_")
    } else {
        out
    }
}

/// Rust keywords (strict and reserved), and `gen`, as typify lists them.
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// Names already given in one scope; [`Taken::take`] hands out the next free
/// one (`name`, `name_2`, `name_3`, ...).
#[derive(Default)]
pub struct Taken(BTreeSet<String>);

impl Taken {
    pub fn with(names: &[&str]) -> Self {
        Taken(names.iter().map(|n| n.to_string()).collect())
    }

    pub fn take(&mut self, base: &str, separator: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{base}{separator}{n}");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

/// The variant names of a string enum, in the order of its values.
pub fn variants(values: &[String], given: Option<&[String]>) -> Result<Vec<String>, String> {
    if let Some(given) = given {
        if given.len() != values.len() {
            return Err(format!(
                "x-enum-varnames has {} names for {} values",
                given.len(),
                values.len()
            ));
        }
        let mut seen = BTreeSet::new();
        for name in given {
            let valid = name.chars().next().is_some_and(char::is_alphabetic)
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !is_keyword(name);
            if !valid {
                return Err(format!(
                    "x-enum-varnames: {name:?} is not a Rust identifier (a letter, then letters, digits or _)"
                ));
            }
            if !seen.insert(name.clone()) {
                return Err(format!("x-enum-varnames: {name:?} is given twice"));
            }
        }
        return Ok(given.to_vec());
    }
    let mut taken = Taken::with(&["Other"]);
    Ok(values
        .iter()
        .map(|value| taken.take(&variant(value), ""))
        .collect())
}

fn variant(value: &str) -> String {
    let name = value.to_pascal_case();
    let name: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
    if name.is_empty() {
        if value.is_empty() {
            return "Empty".into();
        }
        return value.chars().map(spelled).collect();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{name}");
    }
    // `self` is `Self`, a keyword.
    if is_keyword(&name) {
        return format!("{name}_");
    }
    name
}

fn spelled(c: char) -> String {
    match c {
        '#' => "Hash".into(),
        '*' => "Star".into(),
        '+' => "Plus".into(),
        '-' => "Minus".into(),
        '.' => "Dot".into(),
        ',' => "Comma".into(),
        ':' => "Colon".into(),
        ';' => "Semicolon".into(),
        '/' => "Slash".into(),
        '\\' => "Backslash".into(),
        '@' => "At".into(),
        '&' => "Amp".into(),
        '%' => "Percent".into(),
        '=' => "Equals".into(),
        '!' => "Bang".into(),
        '?' => "Question".into(),
        '_' => "Underscore".into(),
        ' ' => "Space".into(),
        '~' => "Tilde".into(),
        '$' => "Dollar".into(),
        '^' => "Caret".into(),
        '|' => "Pipe".into(),
        '<' => "Lt".into(),
        '>' => "Gt".into(),
        '(' => "LParen".into(),
        ')' => "RParen".into(),
        '[' => "LBracket".into(),
        ']' => "RBracket".into(),
        '{' => "LBrace".into(),
        '}' => "RBrace".into(),
        '\'' => "Quote".into(),
        '"' => "DoubleQuote".into(),
        '`' => "Backtick".into(),
        other => format!("U{:04X}", other as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify_and_clashes_are_numbered() {
        assert_eq!(snake("end_time__gt"), "end_time_gt");
        assert_eq!(snake("camelCase"), "camel_case");
        assert_eq!(snake("kebab-name"), "kebab_name");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("from"), "from");
        assert_eq!(snake("2fa"), "x2fa");
        assert_eq!(pascal("stop_reason"), "StopReason");
        let mut taken = Taken::default();
        assert_eq!(taken.take("a_b", "_"), "a_b");
        assert_eq!(taken.take("a_b", "_"), "a_b_2");
        assert_eq!(taken.take("a_b", "_"), "a_b_3");
    }

    #[test]
    fn enum_values_become_distinct_variants() {
        let values: Vec<String> = [
            "0", "1", "#", "*", "-", ".", "Agent", "agent", "", "x-y", "a.b",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            variants(&values, None).unwrap(),
            [
                "V0", "V1", "Hash", "Star", "Minus", "Dot", "Agent", "Agent2", "Empty", "XY", "AB"
            ]
        );
        // A value whose PascalCase is a keyword (found by .ci/spec-fuzz).
        let words: Vec<String> = ["self", "crate", "type"].map(String::from).to_vec();
        assert_eq!(variants(&words, None).unwrap(), ["Self_", "Crate", "Type"]);
        let given = vec!["Zero".to_string()];
        assert_eq!(variants(&values[..1], Some(&given)).unwrap(), ["Zero"]);
        assert!(variants(&values[..2], Some(&given)).is_err());
        assert!(variants(&values[..1], Some(&["9x".to_string()])).is_err());
    }
}
