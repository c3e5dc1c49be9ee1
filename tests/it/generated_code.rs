//! The checked-in generated code (src/generated/*.rs, what a build without
//! the `codegen` feature uses) is exactly what build.rs generates from the
//! spec now. `PLIVO_PHLO_BLESS=1 cargo test --test it generated_code` rewrites
//! it after a spec or generator change.
#![cfg(feature = "codegen")]

use std::{fs, path::Path};

const FILES: [&str; 4] = ["client.rs", "spec_table.rs", "calls.rs", "httpmock.rs"];

/// The per-tag files under `dir/tags`, as `tags/<feature>/<part>.rs`.
fn tag_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for feature in fs::read_dir(dir.join("tags"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for part in fs::read_dir(feature.path()).into_iter().flatten().flatten() {
            let (feature, part) = (feature.file_name(), part.file_name());
            out.push(format!(
                "tags/{}/{}",
                feature.to_string_lossy(),
                part.to_string_lossy()
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn the_checked_in_code_is_what_build_rs_generates() {
    let fresh_dir = Path::new(env!("OUT_DIR"));
    let checked_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    let bless = std::env::var_os("PLIVO_PHLO_BLESS").is_some();
    let mut stale = Vec::new();
    // The tests build with every tag (the dev-dependency's `all-tags`), so
    // every tag's files are fresh here.
    let fresh_tags = tag_files(fresh_dir);
    for gone in tag_files(&checked_dir)
        .into_iter()
        .filter(|f| !fresh_tags.contains(f))
    {
        if bless {
            fs::remove_file(checked_dir.join(&gone)).unwrap();
        } else {
            stale.push(format!(
                "src/generated/{gone} (build.rs no longer writes it)"
            ));
        }
    }
    let names = FILES.iter().map(|n| n.to_string()).chain(fresh_tags);
    for name in names {
        let fresh = fs::read_to_string(fresh_dir.join(&name)).unwrap();
        let checked_path = checked_dir.join(&name);
        let checked = fs::read_to_string(&checked_path).unwrap_or_default();
        if fresh == checked {
            continue;
        }
        if bless {
            fs::create_dir_all(checked_path.parent().unwrap()).unwrap();
            fs::write(&checked_path, &fresh).unwrap();
            continue;
        }
        let line = fresh
            .lines()
            .zip(checked.lines().chain(std::iter::repeat("<end of file>")))
            .position(|(a, b)| a != b)
            .map_or(0, |i| i + 1);
        stale.push(format!(
            "src/generated/{name} (first difference at line {line})"
        ));
    }
    assert!(
        stale.is_empty(),
        "the checked-in generated code is stale: {stale:?}. Review the change, then run \
         `PLIVO_PHLO_BLESS=1 cargo test --test it generated_code` and commit src/generated/"
    );
}

#[test]
fn the_header_names_the_generator_of_cargo_lock() {
    let lock = include_str!("../../Cargo.lock");
    let version = lock
        .split("\n[[package]]\n")
        .find(|p| p.starts_with("name = \"progenitor\"\n"))
        .and_then(|p| p.lines().nth(1))
        .and_then(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("progenitor in Cargo.lock");
    let header = include_str!(concat!(env!("OUT_DIR"), "/client.rs"))
        .lines()
        .nth(1)
        .unwrap();
    assert!(
        header.ends_with(&format!("; progenitor {version}")),
        "{header} (update GENERATOR in build.rs)"
    );
}
