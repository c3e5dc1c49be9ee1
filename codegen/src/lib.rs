//! The code generator behind plivo-phlo's `codegen` feature: its build
//! script calls [`generate`] with `spec/phlo.yaml` and writes the files to
//! `$OUT_DIR`. It never depends on plivo-phlo; the paths it writes
//! (all through `crate::rt`, the one module generated code may use) are plivo-phlo's.
//!
//! Every step returns `Err` with a message that names what was wrong (and
//! the operation or schema, where there is one); build.rs prefixes the spec.
//!
//! One spec model (model/) is built from the spec; everything else comes
//! from it: the normalised document progenitor turns into types and its own
//! client, the crate's enums (enums.rs), the guarded layer and its checks
//! (guarded.rs), the mock's `Call` (calls.rs) and the operations table
//! (table.rs).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod calls;
mod derives;
mod enums;
mod foreign;
mod guarded;
mod json_schema_impls;
mod model;
mod names;
mod passes;
mod rust;
mod split;
mod table;
mod tags;
#[cfg(test)]
mod test_util;
mod unguarded;

use std::panic;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use serde_norway::Value;

use model::{Model, Named, Ty};

/// Which of the mock's files the build compiles (its features): the others
/// are not generated, which keeps a spec edit's rebuild short.
#[derive(Clone)]
pub struct Wanted {
    /// The mock's `Call` enum (feature `mock-server`).
    pub calls: bool,
    /// progenitor's httpmock helpers (feature `mock`).
    pub httpmock: bool,
    /// The regex engine (feature `pattern`): a spec with a `pattern` needs it.
    pub pattern: bool,
    /// The uuid crate (feature `uuid`): a spec with `format: uuid` needs it.
    pub uuid: bool,
    /// The features the build has on (`CARGO_FEATURE_*`, as Cargo spells
    /// them there: upper case, `_` for `-`): only the operations of the
    /// tags among them are generated, with what they reach. `None`: every
    /// operation.
    pub features: Option<Vec<String>>,
}

/// The generator's output.
pub struct Generated {
    /// The four files: client (types, progenitor client, guarded
    /// operations), operations table, the mock's `Call` enum, httpmock
    /// helpers (`None` for a file not [`Wanted`]).
    pub files: [Option<String>; 4],
    /// What only one tag needs, a file per tag and part, by its path under
    /// the output directory (`tags/<feature>/client_types.rs`): the four
    /// files include each behind its feature.
    pub tags: Vec<(String, String)>,
    /// Warnings for the build to print.
    pub warnings: Vec<String>,
}

/// Generates the crate's code from the spec `text`.
pub fn generate(text: &str, wanted: Wanted) -> Result<Generated, String> {
    // The model reads the spec as a plain YAML value, which refuses a
    // duplicate key in any style (a struct would keep the last copy).
    let mut model = model::build(text)?;
    // Each tag's feature comes from the whole spec: the build checks them
    // all against Cargo.toml, whichever are on.
    let tag_features = tags::features(&model)?;
    if let Some(on) = &wanted.features {
        let on = |feature: &str| on.contains(&feature.to_uppercase().replace('-', "_"));
        tags::keep_enabled(&mut model, &on);
    }
    check_engines(&model, &wanted)?;
    let tag_lines: String = tag_features
        .iter()
        .map(|(tag, feature)| format!("// tag {tag:?}: feature {feature}\n"))
        .collect();
    let mut warnings = Vec::new();
    for (id, why) in &model.excluded {
        warnings.push(format!(
            "operation {id} is not on generated() (progenitor's own client): {why}; it is on operations(), MockPhlo and the CLI"
        ));
    }
    let spec = progenitor_spec(&model)?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::rt::Servers))
        // Hand-written types, held equal to the spec's patterns by tests
        // and the fuzzer (src/values/address.rs, src/values/ids.rs): worded errors, a
        // schema that keeps the pattern, no regex engine at run time.
        .with_replacement("Address", "crate::rt::Address", text_impls())
        .with_replacement("Id", "crate::rt::Id", text_impls())
        .with_replacement("AuthId", "crate::rt::AuthId", text_impls())
        .with_replacement(model::DATE_TIME, "crate::rt::DateTime", text_impls())
        .with_replacement(model::DATE, "crate::rt::Date", text_impls())
        .with_derive("PartialEq");
    // The spec's enums are the crate's own (enums.rs).
    for (name, named) in &model.schemas {
        if let Named::Enum(_) = named {
            settings.with_replacement(
                name,
                format!("crate::generated::types::{name}"),
                text_impls(),
            );
        }
    }
    let mut generator = Generator::new(&settings);
    let tokens = catching("generating the client", || generator.generate_tokens(&spec))?;
    let mut client = parse(tokens, "the generated client")?;
    foreign::refuse_foreign_crates(&mut client)?;
    let shapes = passes::fields(&mut client, &model)?;
    passes::append_to_types(&mut client, enums::enum_items(&model))?;
    client.items.extend(enums::check_impls(&model, &shapes));
    client.items.extend(enums::text_impls(&model));
    client.items.extend(json_schema_impls::impls(&model)?);
    passes::non_exhaustive_enums(&mut client);
    client.items.extend(guarded::items(&model));
    derives::one_way(&model, &mut client);
    tags::gate_client(&model, &mut client);
    unguarded::gate(&mut client)?;
    let calls = wanted.calls.then(|| calls::calls(&model));
    let mocks = if wanted.httpmock {
        let tokens = catching("generating the httpmock helpers", || {
            generator.httpmock(&spec, "crate::generated")
        })?;
        let mut mocks = parse(tokens, "the generated httpmock helpers")?;
        // Only a path with a placeholder has a regex to escape (a build
        // with none of the spec's tags on has no operation at all).
        let mut segments = model.ops.iter().flat_map(|op| &op.segments);
        if segments.any(|s| matches!(s, model::Segment::Placeholder { .. })) {
            passes::escape_mock_paths(&mut mocks)?;
        }
        passes::explode_mock_query_arrays(&mut mocks);
        tags::gate_mocks(&model, &mut mocks);
        Some(mocks)
    } else {
        None
    };

    let table = syn::parse_file(&table::render(&model)?)
        .map_err(|e| format!("the generated operations table does not parse: {e}"))?;
    let mut files = [Some(client), Some(table), calls, mocks];
    let mut tags = Vec::new();
    for (file, name) in files
        .iter_mut()
        .zip(["client", "spec_table", "calls", "httpmock"])
    {
        if let Some(file) = file {
            for (path, part) in split::split(file, name) {
                tags.push((path, prettyplease::unparse(&part)));
            }
        }
    }
    let [client, table, calls, mocks] = files.map(|file| file.map(|f| prettyplease::unparse(&f)));
    // Each tag's feature, for the build's check against Cargo.toml (which
    // reads these lines from the checked-in copy, too).
    let table = table.map(|t| format!("{tag_lines}{t}"));
    Ok(Generated {
        files: [client, table, calls, mocks],
        tags,
        warnings,
    })
}

/// The normalised document, without the operations progenitor's own client
/// cannot take.
fn progenitor_spec(model: &Model) -> Result<openapiv3::OpenAPI, String> {
    let mut doc = model.doc.clone();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) {
        for (_, item) in paths.iter_mut() {
            if let Some(item) = item.as_mapping_mut() {
                item.retain(|method, op| {
                    let id = op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let _ = method;
                    !model.excluded.iter().any(|(x, _)| x == id)
                });
            }
        }
    }
    serde_norway::from_value(doc).map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))
}

/// Every `pattern` compiles (regress, what the checks and typify's types
/// use), and the crates the spec needs are on: a `pattern` needs the
/// `pattern` feature, `format: uuid` the `uuid` feature. The first place
/// that needs one is named.
fn check_engines(model: &Model, wanted: &Wanted) -> Result<(), String> {
    #[derive(Default)]
    struct Needs {
        pattern: Option<String>,
        uuid: Option<String>,
    }
    fn walk(at: &str, ty: &Ty, needs: &mut Needs) -> Result<(), String> {
        match ty {
            Ty::String(r) => {
                if let Some(p) = &r.pattern {
                    rust::check_pattern(at, p)?;
                    needs.pattern.get_or_insert_with(|| at.to_string());
                }
            }
            Ty::Uuid => {
                needs.uuid.get_or_insert_with(|| at.to_string());
            }
            Ty::Array(t, _) | Ty::Map(t) | Ty::Nullable(t) => walk(at, t, needs)?,
            _ => {}
        }
        Ok(())
    }
    let mut needs = Needs::default();
    for op in &model.ops {
        for p in &op.params {
            walk(
                &format!("operation {}, parameter {}", op.id, p.wire),
                &p.ty,
                &mut needs,
            )?;
        }
    }
    for (name, named) in &model.schemas {
        match named {
            Named::Object { props, .. } => {
                for p in props {
                    walk(
                        &format!("schema {name}, property {}", p.wire),
                        &p.ty,
                        &mut needs,
                    )?;
                }
            }
            Named::Alias(t) => walk(&format!("schema {name}"), t, &mut needs)?,
            _ => {}
        }
    }
    let off = |at: &str, what: &str, feature: &str| {
        Err(format!(
            "{at} has {what}, which needs plivo-phlo's `{feature}` feature: \
             add it where the crate is a dependency (`features = [\"{feature}\"]`)"
        ))
    };
    match (needs.pattern, needs.uuid) {
        (Some(at), _) if !wanted.pattern => off(&at, "a `pattern`", "pattern"),
        (_, Some(at)) if !wanted.uuid => off(&at, "`format: uuid`", "uuid"),
        _ => Ok(()),
    }
}

fn text_impls() -> impl Iterator<Item = TypeImpl> {
    [TypeImpl::FromStr, TypeImpl::Display].into_iter()
}

fn parse(tokens: proc_macro2::TokenStream, what: &str) -> Result<syn::File, String> {
    syn::parse2(tokens).map_err(|e| format!("{what} does not parse: {e}"))
}

/// Runs a progenitor step, turning its errors and panics into a message.
fn catching<T>(
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
            Err(format!(
                "{what} failed (progenitor panicked): {msg}. The spec model accepted this spec, so this is a construct it does not yet hoist or refuse: please report it"
            ))
        }
    }
}
