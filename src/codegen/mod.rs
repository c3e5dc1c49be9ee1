//! The code generator behind the `codegen` feature.
//!
//! Compiled into build.rs (`#[path]`), never into the crate; the crate's unit
//! tests include the parts that can be tested alone (`path_safe`,
//! `yaml_keys`). Every step returns `Err` with a message that names what was
//! wrong (and the operation, where there is one); build.rs prefixes the spec.

mod args;
mod calls;
mod checks;
mod describe;
mod foreign;
mod guarded;
mod passes;
mod path_safe;
mod table;
mod yaml_keys;

use std::panic;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

/// The four generated files: client (types, progenitor client, guarded
/// operations), operations table, the mock's `Call` enum, httpmock helpers.
pub fn generate(text: &str) -> Result<[String; 4], String> {
    // serde's YAML parsers keep the last of two equal keys when they fill a
    // struct: check the text (block style, naming both lines), then parse it
    // as a plain YAML value, which refuses a duplicate in any style (flow
    // mappings `{a: 1, a: 2}` included).
    yaml_keys::refuse_duplicates(text)?;
    serde_norway::from_str::<serde_norway::Value>(text)
        .map_err(|e| format!("not valid YAML: {e}"))?;
    let spec: openapiv3::OpenAPI = serde_norway::from_str(text)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    checks::check(&spec)?;
    let table = table::Table::from_spec(&spec)?;

    let mut generator = Generator::new(
        GenerationSettings::new()
            .with_interface(InterfaceStyle::Positional)
            .with_tag(TagStyle::Merged)
            .with_hooks(HooksMode::Expected)
            // Hand-written types, held equal to the spec's patterns by tests
            // and the fuzzer (src/address.rs, src/ids.rs): worded errors, a
            // schema that keeps the pattern, no regex engine at run time.
            .with_replacement("Address", "crate::address::Address", text_impls())
            .with_replacement("Id", "crate::ids::Id", text_impls())
            .with_replacement("AuthId", "crate::ids::AuthId", text_impls())
            .with_derive("schemars::JsonSchema")
            .with_derive("PartialEq"),
    );

    let tokens = catching("generating the client", || generator.generate_tokens(&spec))?;
    let mut client = parse(tokens, "the generated client")?;
    foreign::refuse_foreign_crates(&mut client)?;
    passes::drop_api_version(&mut client, table.ops.len())?;
    passes::raw_safe_ids(&mut client, &table.path_safe_params())?;
    passes::non_exhaustive_enums(&mut client, &table.enum_schemas(&spec))?;
    passes::field_docs(&mut client, &table::Table::property_docs(&spec))?;
    let ops = guarded::extract(&client, &table)?;
    client.items.push(guarded::operations_impl(&ops, &table));
    let calls = calls::calls(&ops, &table);

    let tokens = catching("generating the httpmock helpers", || {
        generator.httpmock(&spec, "crate::generated")
    })?;
    let mut mocks = parse(tokens, "the generated httpmock helpers")?;
    passes::escape_mock_paths(&mut mocks)?;

    let table = syn::parse_file(&table.render())
        .map_err(|e| format!("the generated operations table does not parse: {e}"))?;
    Ok([client, table, calls, mocks].map(|file| prettyplease::unparse(&file)))
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
            Err(format!("{what} failed (progenitor panicked): {msg}"))
        }
    }
}
