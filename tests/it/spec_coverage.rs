//! The spec cannot grow untested: every operationId in `spec/phlo.yaml` needs
//! at least one test in `tests/it/wire.rs` (or another `tests/it/wire*.rs`) whose
//! name starts with it.

use std::collections::BTreeMap;

fn operation_ids() -> Vec<String> {
    let spec: serde_norway::Value =
        serde_norway::from_str(include_str!("../../spec/phlo.yaml")).expect("spec parses");
    let mut ids = Vec::new();
    for (_, item) in spec["paths"].as_mapping().expect("paths").iter() {
        for (method, op) in item.as_mapping().expect("path item").iter() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str().unwrap_or_default())
            {
                ids.push(op["operationId"].as_str().expect("operationId").to_string());
            }
        }
    }
    ids
}

/// The wire test files: `tests/it/wire.rs` and `tests/it/wire_*.rs`.
fn wire_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/it/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|s| s == "wire" || s.starts_with("wire_"))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a wire test file is readable");
            (p.display().to_string(), text)
        })
        .collect()
}

/// Test names in the wire test files: `async fn NAME(` and
/// `NAME: ADDR, "ACTION";` macro rows.
fn wire_test_names() -> Vec<String> {
    let mut names = Vec::new();
    for (_, source) in wire_sources() {
        scan(&source, &mut names);
    }
    names
}

fn scan(source: &str, names: &mut Vec<String>) {
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let next_fn = lines
            .peek()
            .and_then(|n| n.trim().strip_prefix("async fn "));
        if line == "#[tokio::test]" && next_fn.is_some() {
            let rest = next_fn.unwrap_or_default();
            names.push(rest.split('(').next().unwrap_or_default().to_string());
        } else if let Some((name, rest)) = line.split_once(':')
            && rest.trim_end().ends_with("\";")
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            names.push(name.to_string());
        }
    }
}

/// Counts tests per operation: a test belongs to the longest operationId
/// its name starts with (so `get_phlo_run_x` is not counted for `get_phlo`).
fn coverage() -> BTreeMap<String, usize> {
    let ids = operation_ids();
    let mut counts: BTreeMap<String, usize> = ids.iter().map(|id| (id.clone(), 0)).collect();
    for name in wire_test_names() {
        let owner = ids
            .iter()
            .filter(|id| name == **id || name.starts_with(&format!("{id}_")))
            .max_by_key(|id| id.len());
        if let Some(id) = owner {
            *counts.get_mut(id).unwrap() += 1;
        }
    }
    counts
}

#[test]
fn every_operation_has_a_wire_test() {
    let counts = coverage();
    // The list comes from the spec itself, and the crate's generated table
    // holds the same operations in the same order.
    let table: Vec<&str> = plivo_phlo::spec::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(operation_ids(), table);
    assert!(!counts.is_empty());
    let missing: Vec<_> = counts
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(
        missing.is_empty(),
        "operationIds without a wire test in tests/it/wire*.rs: {missing:?}"
    );
    for (id, n) in &counts {
        println!("{id}: {n} wire tests");
    }
}

#[test]
fn test_names_are_found() {
    // Guards the scanner itself: if it found nothing, the check above would be vacuous.
    let names = wire_test_names();
    assert!(
        names
            .iter()
            .any(|n| n == "update_multi_party_call_member_hold_sip"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "get_phlo_decodes_the_phlo"),
        "{names:?}"
    );
    assert!(names.len() >= 30, "{}", names.len());
    assert!(wire_sources().len() >= 2, "wire.rs and wire_members.rs");
}
