//! Compiles `spec/phlo.yaml` into a typed client with progenitor.
//!
//! spec -> checks -> progenitor::Generator -> syn -> prettyplease -> $OUT_DIR/phlo.rs
//! (and $OUT_DIR/phlo_httpmock.rs with the `mock` feature). Any failure stops the
//! build with a message that names the spec file and, where it can, the operation.

use std::{collections::BTreeSet, env, fs, panic, path::PathBuf};

// Shared with the crate's unit tests, which check it against regress.
#[path = "src/path_safe.rs"]
mod path_safe;
use path_safe::pattern_is_path_safe;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

const SPEC: &str = "spec/phlo.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/path_safe.rs");
    println!("cargo:rerun-if-env-changed=CARGO_FEATURE_MOCK");
    if let Err(cause) = run() {
        eprintln!("error: {SPEC}: {cause}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read the file: {e}"))?;
    let spec: OpenAPI = serde_norway::from_str(&text)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    check(&spec)?;

    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let mut generator = Generator::new(
        GenerationSettings::new()
            .with_interface(InterfaceStyle::Positional)
            .with_tag(TagStyle::Merged)
            .with_hooks(HooksMode::Expected)
            // A hand-written type, checked against the spec's pattern by
            // tests and the fuzzer (src/address.rs): same rule, no regex
            // engine and no allocation per check on the hot path.
            .with_replacement(
                "Address",
                "crate::address::Address",
                [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
            )
            .with_derive("schemars::JsonSchema")
            .with_derive("PartialEq"),
    );

    let client = guarded("generating the client", || generator.generate_tokens(&spec))?;
    let client = drop_api_version(&client.to_string())?;
    let client = raw_safe_ids(&client, &path_safe_params(&spec)?)?;
    let client = own_decoder(&client)?;
    write(&out.join("phlo.rs"), client)?;

    if env::var_os("CARGO_FEATURE_MOCK").is_some() {
        let mocks = guarded("generating the httpmock helpers", || {
            generator.httpmock(&spec, "crate::generated")
        })?;
        write(
            &out.join("phlo_httpmock.rs"),
            escape_mock_paths(&mocks.to_string())?,
        )?;
    }
    fs::write(out.join("phlo_operations.rs"), operations(&spec)?)
        .map_err(|e| format!("cannot write phlo_operations.rs: {e}"))?;
    Ok(())
}

/// progenitor's httpmock generator formats path values into a regex
/// unescaped (`format!("^/phlo/{}$", value.to_string())`), so a `+` in a
/// member address is a quantifier and never matches itself. Wrap every such
/// value in `regex::escape`.
fn escape_mock_paths(tokens: &str) -> Result<String, String> {
    const OPEN: &str = "format ! (\"^";
    const VALUE: &str = "value . to_string ()";
    let mut out = String::with_capacity(tokens.len() + 1024);
    let mut rest = tokens;
    let mut patched = 0;
    while let Some(start) = rest.find(OPEN) {
        let (head, tail) = rest.split_at(start);
        out.push_str(head);
        let close = tail
            .find(')')
            .ok_or("unbalanced format! in the httpmock output")?;
        let call = &tail[..close + 1];
        let Some(at) = call.find(VALUE) else {
            return Err(format!(
                "httpmock output changed shape near `{call}`; update escape_mock_paths in build.rs"
            ));
        };
        out.push_str(&call[..at]);
        out.push_str(":: regex :: escape (& value . to_string ())");
        // `call` ends at the `)` of `to_string ()`; the `)` closing format! follows in `rest`.
        out.push_str(&call[at + VALUE.len()..]);
        rest = &tail[close + 1..];
        patched += 1;
    }
    out.push_str(rest);
    if patched == 0 {
        return Err(
            "found no path regex in the httpmock output; update escape_mock_paths in build.rs"
                .into(),
        );
    }
    Ok(out)
}

/// progenitor adds `api-version: <info.version>` to every request; Plivo has
/// no use for it. Drop the statement that appends it (and the header map's
/// allocation where that was its only header), rather than removing the
/// header again from every request.
fn drop_api_version(tokens: &str) -> Result<String, String> {
    const APPEND: &str =
        "header_map . append (:: reqwest :: header :: HeaderName :: from_static (\"api-version\")";
    let mut out = String::with_capacity(tokens.len());
    let mut rest = tokens;
    let mut dropped = 0;
    while let Some(start) = rest.find(APPEND) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let open = tail.find('(').expect("APPEND contains `(`");
        let close = matching_paren(tail, open)
            .ok_or("unbalanced `header_map.append(` in the generated client")?;
        let after = tail[close + 1..].trim_start();
        rest = after
            .strip_prefix(';')
            .ok_or("generated client changed shape after `header_map.append(..)`; update drop_api_version in build.rs")?;
        dropped += 1;
    }
    out.push_str(rest);
    if dropped == 0 {
        return Err(
            "found no api-version header in the generated client; update drop_api_version in build.rs"
                .into(),
        );
    }
    // A map that only ever held api-version: `new()` does not allocate.
    Ok(out.replace(
        "let mut header_map = :: reqwest :: header :: HeaderMap :: with_capacity (1usize)",
        "let header_map = :: reqwest :: header :: HeaderMap :: new ()",
    ))
}

/// Every JSON answer is decoded by `crate::transport::from_response`
/// (progenitor's steps and errors, without cloning the headers, in a smaller
/// future) instead of `ResponseValue::from_response`.
fn own_decoder(tokens: &str) -> Result<String, String> {
    const THEIRS: &str = "ResponseValue :: from_response (response)";
    if !tokens.contains(THEIRS) {
        return Err(format!(
            "expected `{THEIRS}` in the generated client; update own_decoder in build.rs"
        ));
    }
    Ok(tokens.replace(THEIRS, "crate :: transport :: from_response (response)"))
}

/// Index of the `)` that closes the `(` at `open`.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// progenitor percent-encodes every path parameter
/// (`encode_path(&id.to_string())`: a `String`, an encoder and a second
/// `String` per parameter per call). A parameter whose type's pattern admits
/// only unreserved characters (`A-Z a-z 0-9 - . _ ~`), fully anchored, has
/// nothing to encode, and its generated type can only hold values that
/// passed the pattern: use it as it is.
fn raw_safe_ids(tokens: &str, safe: &BTreeSet<String>) -> Result<String, String> {
    let mut out = tokens.to_string();
    for name in safe {
        let encoded = format!("encode_path (& {name} . to_string ())");
        if !out.contains(&encoded) {
            return Err(format!(
                "path parameter {name}: expected `{encoded}` in the generated client; update raw_safe_ids in build.rs"
            ));
        }
        out = out.replace(&encoded, &format!("{name} . as_str ()"));
    }
    Ok(out)
}

/// Path parameters whose schema is a `$ref` to a string schema with a
/// path-safe pattern wherever they appear.
fn path_safe_params(spec: &OpenAPI) -> Result<BTreeSet<String>, String> {
    let components = spec.components.as_ref();
    let mut safe = BTreeSet::new();
    let mut unsafe_ = BTreeSet::new();
    for (_, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (_, op) in item.iter() {
            for param in item.parameters.iter().chain(&op.parameters) {
                let param = match param {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { reference } => components
                        .and_then(|c| c.parameters.get(reference.rsplit('/').next()?))
                        .and_then(|p| p.as_item())
                        .ok_or_else(|| format!("unresolved parameter {reference}"))?,
                };
                let openapiv3::Parameter::Path { parameter_data, .. } = param else {
                    continue;
                };
                let pattern = match &parameter_data.format {
                    openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Reference {
                        reference,
                    }) => components
                        .and_then(|c| c.schemas.get(reference.rsplit('/').next()?))
                        .and_then(|s| s.as_item())
                        .and_then(|s| match &s.schema_kind {
                            openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => {
                                s.pattern.clone()
                            }
                            _ => None,
                        }),
                    _ => None,
                };
                let name = parameter_data.name.clone();
                if pattern.as_deref().is_some_and(pattern_is_path_safe) {
                    safe.insert(name);
                } else {
                    unsafe_.insert(name);
                }
            }
        }
    }
    Ok(safe.difference(&unsafe_).cloned().collect())
}

/// Runs a progenitor step, turning its errors and panics into a message.
fn guarded<T>(
    what: &str,
    step: impl FnOnce() -> Result<T, progenitor::Error>,
) -> Result<T, String> {
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(panic::AssertUnwindSafe(step));
    let _ = panic::take_hook();
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what} failed: {e}")),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!("{what} failed (progenitor panicked): {msg}"))
        }
    }
}

fn write(path: &PathBuf, tokens: impl ToString) -> Result<(), String> {
    let file: syn::File = syn::parse_str(&tokens.to_string())
        .map_err(|e| format!("generated code does not parse: {e}"))?;
    fs::write(path, prettyplease::unparse(&file))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Checks the rules progenitor enforces by panicking without naming the
/// operation (see ../shared/PHLO_API.md), so the message can name it.
fn check(spec: &OpenAPI) -> Result<(), String> {
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "openapi is {:?}; progenitor accepts only 3.0.x",
            spec.openapi
        ));
    }
    let mut seen = BTreeSet::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(format!(
                "path {path}: external path items ($ref) are not supported"
            ));
        };
        for (method, op) in item.iter() {
            let name = op.operation_id.as_deref().ok_or_else(|| {
                format!(
                    "{} {path}: operation has no operationId",
                    method.to_uppercase()
                )
            })?;
            if !seen.insert(name.to_string()) {
                return Err(format!("operationId {name} is used twice"));
            }
            if op.responses.default.is_some() {
                return Err(format!(
                    "operation {name}: `default` responses are not supported; declare 4XX and 5XX"
                ));
            }
            let mut ok = BTreeSet::new();
            let mut err = BTreeSet::new();
            for (code, response) in &op.responses.responses {
                let target = match response {
                    ReferenceOr::Reference { reference } => {
                        let resolved = spec
                            .components
                            .as_ref()
                            .and_then(|c| c.responses.get(reference.rsplit('/').next()?))
                            .and_then(|r| r.as_item())
                            .ok_or_else(|| format!("operation {name}: unresolved {reference}"))?;
                        response_schema(resolved)
                    }
                    ReferenceOr::Item(r) => response_schema(r),
                };
                let success = match code {
                    StatusCode::Code(n) => (200..300).contains(n),
                    StatusCode::Range(n) => *n == 2,
                };
                if success {
                    ok.insert(target)
                } else {
                    err.insert(target)
                };
            }
            if ok.len() > 1 {
                return Err(format!(
                    "operation {name}: 2xx responses must share one schema, found {ok:?}"
                ));
            }
            if err.len() > 1 {
                return Err(format!(
                    "operation {name}: error responses must share one schema, found {err:?}"
                ));
            }
        }
    }
    Ok(())
}

fn response_schema(response: &openapiv3::Response) -> String {
    match response
        .content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
    {
        Some(ReferenceOr::Reference { reference }) => reference.clone(),
        Some(ReferenceOr::Item(_)) => "<inline schema>".into(),
        None => "<no body>".into(),
    }
}

/// Writes each operation's method, path template and success example (the
/// JSON the spec documents), for tracing and for the mock server.
fn operations(spec: &OpenAPI) -> Result<String, String> {
    let mut out = String::from(
        "/// (operationId, method, path template, example success body) from the spec.\n",
    );
    out.push_str("pub(crate) const OPERATIONS: &[(&str, &str, &str, &str)] = &[\n");
    for (path, item) in spec.paths.iter() {
        let item = item
            .as_item()
            .ok_or_else(|| format!("path {path}: not an item"))?;
        for (method, op) in item.iter() {
            let name = op.operation_id.as_deref().unwrap_or_default();
            let example = op
                .responses
                .responses
                .iter()
                .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299)))
                .find_map(|(_, r)| {
                    let r = match r {
                        ReferenceOr::Item(r) => r,
                        ReferenceOr::Reference { reference } => spec
                            .components
                            .as_ref()?
                            .responses
                            .get(reference.rsplit('/').next()?)?
                            .as_item()?,
                    };
                    r.content.get("application/json")?.example.clone()
                })
                .ok_or_else(|| format!("operation {name}: its 2xx response has no example"))?;
            out.push_str(&format!(
                "    ({name:?}, {:?}, {path:?}, {:?}),\n",
                method.to_uppercase(),
                example.to_string()
            ));
        }
    }
    out.push_str("];\n");
    let pattern = spec
        .components
        .as_ref()
        .and_then(|c| c.schemas.get("Address"))
        .and_then(|a| a.as_item())
        .and_then(|a| match &a.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => s.pattern.clone(),
            _ => None,
        })
        .ok_or("components/schemas/Address must be a string schema with a pattern")?;
    out.push_str(&format!(
        "/// The spec's `Address` pattern, the reference for `crate::address::Address`.\n\
         #[allow(dead_code)]\npub(crate) const ADDRESS_PATTERN: &str = {pattern:?};\n"
    ));
    Ok(out)
}
