//! Duplicate mapping keys in the raw YAML text.
//!
//! serde's YAML parsers keep the last of two equal keys when they fill a
//! struct, so a second `/phlo/{phlo_id}/runs/{run_id}:` block under `paths`
//! silently replaces the first (and its operations vanish). This scans the
//! block-style YAML the spec is written in, line by line, and names the key
//! and both lines. Used by build.rs; unit-tested by the crate.

/// `Err` naming the first key that appears twice in one mapping.
pub fn refuse_duplicates(text: &str) -> Result<(), String> {
    // Open mappings, innermost last: (column, [(key, line)]).
    let mut open: Vec<(usize, Vec<(String, usize)>)> = Vec::new();
    // The column of a key whose value is a block scalar (`|`, `>-`, ...):
    // deeper lines are its text, not keys.
    let mut scalar_of: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let mut rest = line.trim_start_matches(' ');
        let mut column = line.len() - rest.len();
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if let Some(key_column) = scalar_of {
            if column > key_column {
                continue;
            }
            scalar_of = None;
        }
        if rest.starts_with("---") || rest.starts_with("...") {
            open.clear();
            continue;
        }
        // `- key: value`: each sequence item opens a mapping of its own,
        // at the column after the dash.
        while let Some(after) = rest
            .strip_prefix('-')
            .filter(|a| a.is_empty() || a.starts_with(' '))
        {
            close_deeper_than(&mut open, column);
            let inner = after.trim_start_matches(' ');
            column += rest.len() - inner.len();
            rest = inner;
        }
        let Some((key, value)) = split_key(rest) else {
            continue;
        };
        close_deeper_than(&mut open, column);
        if open.last().is_none_or(|(c, _)| *c < column) {
            open.push((column, Vec::new()));
        }
        let keys = &mut open.last_mut().expect("pushed above").1;
        if let Some((_, first)) = keys.iter().find(|(k, _)| *k == key) {
            return Err(format!(
                "duplicate key `{key}` at line {number} (first at line {first}): YAML parsers \
                 keep only the last copy, so everything under line {first} would vanish; merge \
                 the two"
            ));
        }
        keys.push((key, number));
        let value = value.trim_start();
        if value.starts_with('|') || value.starts_with('>') {
            scalar_of = Some(column);
        }
    }
    Ok(())
}

fn close_deeper_than(open: &mut Vec<(usize, Vec<(String, usize)>)>, column: usize) {
    while open.last().is_some_and(|(c, _)| *c > column) {
        open.pop();
    }
}

/// `key: value` (plain, single- or double-quoted key) into key and value.
fn split_key(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"');
    let (key, after) = match quote {
        Some(q) => {
            let end = text[1..].find(q)? + 1;
            (text[1..end].to_string(), &text[end + 1..])
        }
        None => {
            if text.starts_with(['[', '{', '&', '*', '!', '|', '>']) {
                return None;
            }
            let at = text
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| text[i + 1..].is_empty() || text[i + 1..].starts_with(' '))?;
            (text[..at].trim_end().to_string(), &text[at..])
        }
    };
    let value = after.strip_prefix(':')?;
    (value.is_empty() || value.starts_with(' ')).then_some((key, value))
}

#[cfg(test)]
mod tests {
    use super::refuse_duplicates;

    #[test]
    fn the_spec_has_no_duplicate_keys() {
        refuse_duplicates(include_str!("../../spec/phlo.yaml")).unwrap();
    }

    #[test]
    fn a_second_path_block_is_named_with_both_lines() {
        let yaml = "paths:\n  /a/{x}:\n    get:\n      operationId: a\n  /b:\n    get: {}\n  /a/{x}:\n    delete:\n      operationId: d\n";
        let err = refuse_duplicates(yaml).unwrap_err();
        assert!(
            err.contains("duplicate key `/a/{x}` at line 7 (first at line 2)"),
            "{err}"
        );
    }

    #[test]
    fn quoted_keys_and_sequence_items() {
        let dup = "responses:\n  '200':\n    description: a\n  \"200\":\n    description: b\n";
        assert!(
            refuse_duplicates(dup)
                .unwrap_err()
                .contains("`200` at line 4")
        );
        // The same key in two items of a sequence is fine; twice in one item is not.
        let items = "parameters:\n  - name: a\n    in: path\n  - name: b\n    in: path\n";
        refuse_duplicates(items).unwrap();
        let twice = "parameters:\n  - name: a\n    in: path\n    name: c\n";
        assert!(
            refuse_duplicates(twice)
                .unwrap_err()
                .contains("`name` at line 4")
        );
    }

    #[test]
    fn block_scalars_and_nesting_are_not_keys() {
        let yaml =
            "a:\n  description: >-\n    b: one\n    b: two\n  c:\n    d: 1\n  e:\n    d: 2\n";
        refuse_duplicates(yaml).unwrap();
        let deeper = "a:\n  c:\n    d: 1\n    d: 2\n";
        assert!(
            refuse_duplicates(deeper)
                .unwrap_err()
                .contains("`d` at line 4")
        );
    }
}
