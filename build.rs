//! Turns `spec/phlo.yaml` into the crate's generated code, in `$OUT_DIR`.
//!
//! With the default `codegen` feature: spec -> the spec model
//! (codegen/src/model/, the `plivo-phlo-codegen` crate) -> progenitor's types and client (from the model's
//! normalised document), the crate's enums, the guarded operation layer and
//! its checks (codegen/src/guarded.rs), the mock's `Call` enum
//! (codegen/src/calls.rs) and the operations table (codegen/src/table.rs),
//! all from the model -> prettyplease -> `$OUT_DIR/*.rs`.
//!
//! Without it: the checked-in copy under `src/generated/` is used, after
//! checking that it was generated from this very spec (a hash in each file's
//! header). A stale copy stops the build; it is never used silently.
//!
//! Every failure names the spec file and, where it can, the operation.

use std::{env, fs, path::PathBuf};

#[cfg(feature = "codegen")]
use plivo_phlo_codegen as codegen;

const SPEC: &str = "spec/phlo.yaml";
/// The generated files, in `$OUT_DIR` and (checked in) in `src/generated/`.
const FILES: [&str; 4] = ["client.rs", "spec_table.rs", "calls.rs", "httpmock.rs"];
/// The generator named in each file's header; a drift test holds it equal
/// to Cargo.lock.
const GENERATOR: &str = "progenitor 0.15.1";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    // Its `[features]` are checked against the spec's tags.
    println!("cargo:rerun-if-changed=Cargo.toml");
    if !cfg!(feature = "codegen") {
        println!("cargo:rerun-if-changed=src/generated");
    }
    if let Err(cause) = run() {
        eprintln!("error: {SPEC}: {cause}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read the file: {e}"))?;
    let hash = spec_hash(&text);
    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let files = generate(&text)?;
    if let Some((_, table)) = files.iter().find(|(name, _)| name == "spec_table.rs") {
        check_tags(table)?;
    }
    // The per-tag files of an earlier run of this build are not this one's.
    let _ = fs::remove_dir_all(out.join("tags"));
    for (name, body) in files {
        let path = out.join(&name);
        let file = format!("{}{body}", header(&hash));
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&path, file).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Whether the build has feature `name` on.
#[cfg(not(feature = "codegen"))]
fn feature_on(name: &str) -> bool {
    env::var_os(format!(
        "CARGO_FEATURE_{}",
        name.to_uppercase().replace('-', "_")
    ))
    .is_some()
}

/// The four files, then the per-tag ones (`tags/<feature>/<part>.rs`), each
/// with its path under `$OUT_DIR`.
#[cfg(feature = "codegen")]
fn generate(text: &str) -> Result<Vec<(String, String)>, String> {
    // A build script sees its package's features as `CARGO_FEATURE_*`.
    let on = |feature: &str| env::var_os(format!("CARGO_FEATURE_{feature}")).is_some();
    let wanted = codegen::Wanted {
        calls: on("MOCK_SERVER"),
        httpmock: on("MOCK"),
        pattern: on("PATTERN"),
        uuid: on("UUID"),
        // Only the operations of the tags (features) that are on.
        features: Some(
            env::vars_os()
                .filter_map(|(k, _)| k.into_string().ok())
                .filter_map(|k| k.strip_prefix("CARGO_FEATURE_").map(str::to_string))
                .collect(),
        ),
    };
    let generated = codegen::generate(text, wanted)?;
    for warning in generated.warnings {
        println!("cargo:warning={SPEC}: {warning}");
    }
    let files = FILES.iter().zip(generated.files).map(|(name, file)| {
        // Not compiled without its feature (src/generated/mod.rs).
        let file = file.unwrap_or_else(|| {
            "// Not generated: the feature that compiles it is off in this build.\n".to_string()
        });
        (name.to_string(), file)
    });
    Ok(files.chain(generated.tags).collect())
}

/// The lean build: the checked-in files, if they match the spec; of the
/// per-tag files, those of the tags that are on (the others are never read).
#[cfg(not(feature = "codegen"))]
fn generate(text: &str) -> Result<Vec<(String, String)>, String> {
    let want = header(&spec_hash(text));
    let mut names: Vec<String> = FILES.iter().map(|n| n.to_string()).collect();
    let table = fs::read_to_string("src/generated/spec_table.rs").unwrap_or_default();
    for feature in table
        .lines()
        .filter_map(|l| l.strip_prefix("// tag "))
        .filter_map(|l| l.rsplit_once(": feature "))
        .map(|(_, f)| f)
    {
        if !feature_on(feature) {
            continue;
        }
        let dir = format!("src/generated/tags/{feature}");
        // A tag all of whose items other tags share has no directory.
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut parts: Vec<String> = entries
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".rs"))
            .collect();
        parts.sort();
        names.extend(
            parts
                .into_iter()
                .map(|part| format!("tags/{feature}/{part}")),
        );
    }
    let mut files = Vec::new();
    for name in names {
        let path = format!("src/generated/{name}");
        let checked_in = fs::read_to_string(&path).map_err(|e| {
            format!("cannot read {path} ({e}); build with the default `codegen` feature")
        })?;
        // A checkout that turned line endings into CRLF is not stale.
        let checked_in = checked_in.replace("\r\n", "\n");
        let Some(body) = checked_in.strip_prefix(&want) else {
            let found = checked_in.lines().nth(1).unwrap_or("no header");
            return Err(format!(
                "changed since {path} was generated (this spec: `{}`; the file: `{found}`). \
                 The checked-in code is stale and is not used. Regenerate it: build with the \
                 default `codegen` feature, then run \
                 `PLIVO_PHLO_BLESS=1 cargo test --test it generated_code` to refresh src/generated/",
                want.lines().nth(1).unwrap_or_default()
            ));
        };
        files.push((name, body.to_string()));
    }
    Ok(files)
}

/// Each tag of the spec (the `// tag "…": feature …` lines the generator
/// writes at the top of the operations table) is a feature `all-tags`
/// lists, declared `name = []`; each feature `all-tags` lists is a tag's.
fn check_tags(table: &str) -> Result<(), String> {
    let spec: Vec<(&str, &str)> = table
        .lines()
        .filter_map(|l| l.strip_prefix("// tag "))
        .filter_map(|l| l.rsplit_once(": feature "))
        .collect();
    let dir = env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?;
    let manifest = PathBuf::from(dir).join("Cargo.toml");
    let toml = fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let features = features(&toml);
    let Some(all) = features.iter().find(|(name, _)| name == "all-tags") else {
        return Err(format!(
            "Cargo.toml has no `all-tags` feature: add it to [features], listing the features of \
             the spec's tags: `all-tags = [{}]`",
            spec.iter()
                .map(|(_, f)| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    for (tag, feature) in &spec {
        let declared = features.iter().find(|(name, _)| name == feature);
        if !all.1.iter().any(|f| f == feature) || declared.is_none() {
            return Err(format!(
                "the tag {tag} has no feature: add `{feature} = []` to [features] in Cargo.toml, \
                 and \"{feature}\" to `all-tags`"
            ));
        }
        if let Some((_, on)) = declared.filter(|(_, on)| !on.is_empty()) {
            return Err(format!(
                "the tag {tag}'s feature `{feature}` turns on {on:?} in Cargo.toml; a tag's feature \
                 turns on nothing (`{feature} = []`): rename the tag or the other feature"
            ));
        }
    }
    for feature in &all.1 {
        if !spec.iter().any(|(_, f)| f == feature) {
            return Err(format!(
                "Cargo.toml's `all-tags` lists `{feature}`, which is no tag's feature (no operation \
                 has a tag that makes it): remove it from `all-tags` and [features]"
            ));
        }
    }
    Ok(())
}

/// The `[features]` of a Cargo.toml: each name with the names it lists (a
/// reader for what Cargo writes and what people write: one key per entry,
/// its array on one line or many).
fn features(toml: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut entry = String::new();
    for line in toml.lines() {
        let line = uncommented(line).trim();
        if entry.is_empty() && line.starts_with('[') {
            inside = line == "[features]";
            continue;
        }
        if !inside || line.is_empty() || line.starts_with('#') {
            continue;
        }
        entry.push_str(line);
        if entry.matches('[').count() > entry.matches(']').count() {
            continue;
        }
        if let Some((name, list)) = entry.split_once('=') {
            let names = list
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|f| f.trim().trim_matches(['"', '\'']).to_string())
                .filter(|f| !f.is_empty())
                .collect();
            out.push((name.trim().trim_matches(['"', '\'']).to_string(), names));
        }
        entry.clear();
    }
    out
}

/// `line` up to its comment: a `#` outside a quoted string.
fn uncommented(line: &str) -> &str {
    let mut quote = None;
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') => return &line[..at],
            _ => {}
        }
    }
    line
}

fn header(hash: &str) -> String {
    format!(
        "// @generated by build.rs from spec/phlo.yaml; do not edit.\n\
         // spec fnv1a64 {hash}; {GENERATOR}\n"
    )
}

/// FNV-1a (64-bit) of the spec with line endings normalised, so a Windows
/// checkout (CRLF) hashes like the repository. A staleness check, not a
/// security one.
fn spec_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes().filter(|b| *b != b'\r') {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
