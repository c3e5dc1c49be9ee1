//! Adjustments to typify's types and progenitor's httpmock helpers, each a
//! `syn::visit_mut` pass that matches the syntax node it changes. Each fails
//! the build, by name, when the output no longer has the shape it expects.
//! None reads or changes progenitor's method bodies: the guarded layer is
//! generated from the spec model (guarded.rs).

use std::collections::BTreeMap;

use syn::{Expr, Lit, punctuated::Punctuated, visit_mut::VisitMut};

use super::model::{Model, Named};

/// Every enum typify generates (a `oneOf`, say) becomes `#[non_exhaustive]`,
/// as the crate's own enums are, so a variant the spec gains later is not a
/// breaking change for code that matches on it.
pub fn non_exhaustive_enums(file: &mut syn::File) {
    struct Pass {
        marked: Vec<String>,
    }
    impl VisitMut for Pass {
        fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
            if !item
                .attrs
                .iter()
                .any(|a| a.path().is_ident("non_exhaustive"))
            {
                item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            }
            self.marked.push(item.ident.to_string());
        }
    }
    let mut pass = Pass { marked: Vec::new() };
    pass.visit_file_mut(file);
}

/// progenitor's httpmock generator formats path values into a regex
/// unescaped (`format!("^/phlo/{}$", value.to_string())`), so a `+` in a
/// member address is a quantifier and never matches itself. Wraps each such
/// argument of a `format!` whose template starts with `^` in
/// `::regex::escape(&..)`.
pub fn escape_mock_paths(file: &mut syn::File) -> Result<(), String> {
    struct Pass {
        patched: usize,
        error: Option<String>,
    }
    impl VisitMut for Pass {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            let Ok(mut args) = format_args(mac) else {
                return;
            };
            let is_path_regex = matches!(args.first(), Some(Expr::Lit(lit))
                if matches!(&lit.lit, Lit::Str(s) if s.value().starts_with('^')));
            if !is_path_regex {
                return;
            }
            let mut changed = false;
            for arg in args.iter_mut().skip(1) {
                if let Expr::MethodCall(call) = arg
                    && call.method == "to_string"
                    && is_path(&call.receiver, "value")
                {
                    *arg = syn::parse_quote!(::regex::escape(&value.to_string()));
                    changed = true;
                }
            }
            if changed {
                self.patched += 1;
                mac.tokens = quote_tokens(&args);
            } else {
                self.error = Some(format!(
                    "a path regex `format!` without `value.to_string()` in the httpmock \
                     output ({} args); update escape_mock_paths in codegen/src/passes.rs",
                    args.len()
                ));
            }
        }
    }
    let mut pass = Pass {
        patched: 0,
        error: None,
    };
    pass.visit_file_mut(file);
    if let Some(error) = pass.error {
        return Err(error);
    }
    if pass.patched == 0 {
        return Err(
            "found no path regex in the httpmock output; update escape_mock_paths \
                    in codegen/src/passes.rs"
                .into(),
        );
    }
    Ok(())
}

/// progenitor's httpmock helper for an array query parameter formats the
/// whole `Vec` (`query_param("tags", value.to_string())`), which does not
/// compile. In a helper whose signature takes a `Vec`, each such call
/// becomes one `query_param` per value, as the request sends them
/// (`tags=a&tags=b`). Returns how many it changed.
pub fn explode_mock_query_arrays(file: &mut syn::File) -> usize {
    struct Calls(usize);
    impl VisitMut for Calls {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Expr::MethodCall(call) = expr else {
                return;
            };
            let formats_value = call.args.len() == 2
                && matches!(&call.args[1], Expr::MethodCall(m)
                    if m.method == "to_string" && is_path(&m.receiver, "value"));
            if call.method != "query_param" || !formats_value {
                return;
            }
            let (when, name) = (&call.receiver, &call.args[0]);
            *expr = syn::parse_quote! {
                value.iter().fold(#when, |when, v| when.query_param(#name, v.to_string()))
            };
            self.0 += 1;
        }
    }
    struct Helpers(usize);
    impl VisitMut for Helpers {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            let sig = &f.sig;
            if quote::quote!(#sig).to_string().contains("Vec <") {
                let mut calls = Calls(0);
                calls.visit_block_mut(&mut f.block);
                self.0 += calls.0;
            }
        }
    }
    let mut pass = Helpers(0);
    pass.visit_file_mut(file);
    pass.0
}

/// The arguments of a `format!`-like macro, as expressions.
fn format_args(mac: &syn::Macro) -> syn::Result<Punctuated<Expr, syn::Token![,]>> {
    mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
}

fn quote_tokens(args: &Punctuated<Expr, syn::Token![,]>) -> proc_macro2::TokenStream {
    quote::quote!(#args)
}

fn is_path(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

/// How typify holds a property: `Option<T>`, a collection that is empty
/// when absent (`Vec`, `HashMap`), or the value itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Option,
    Collection,
    Plain,
}

/// (schema, wire name) -> how typify holds the property.
pub type Shapes = BTreeMap<(String, String), Shape>;

/// Every field of typify's structs gets the model's Rust name (typify has
/// no rule for two properties it names alike, `a__b` and `a_b`), keeps its
/// wire name (`#[serde(rename)]`), and gets the spec's description (typify
/// drops it when a property wraps a `$ref` in `allOf`) and a note of the
/// server's default. Fails, by name, for a property it cannot find.
pub fn fields(file: &mut syn::File, model: &Model) -> Result<Shapes, String> {
    let mut shapes = Shapes::new();
    let mut error = None;
    let mut seen = std::collections::BTreeSet::new();
    visit_types(file, |item| {
        let syn::Item::Struct(s) = item else { return };
        let name = s.ident.to_string();
        let Some(Named::Object { props, .. }) = model.named(&name) else {
            return;
        };
        let syn::Fields::Named(named) = &mut s.fields else {
            return;
        };
        for field in named.named.iter_mut() {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
            let Some(prop) = props.iter().find(|p| p.wire == wire) else {
                error.get_or_insert(format!(
                    "schema {name}: typify generated a field for {wire:?}, which the model does not know; update fields in codegen/src/passes.rs"
                ));
                continue;
            };
            seen.insert((name.clone(), wire.clone()));
            if ident != prop.rust.as_str() {
                if serde_rename(&field.attrs).is_none() {
                    field
                        .attrs
                        .push(syn::parse_quote!(#[serde(rename = #wire)]));
                }
                field.ident = Some(syn::Ident::new(&prop.rust, proc_macro2::Span::call_site()));
            }
            let mut doc = String::new();
            if !field.attrs.iter().any(|a| a.path().is_ident("doc")) && !prop.description.is_empty()
            {
                doc = format!(" {}", prop.description.trim());
            }
            if let Some(default) = &prop.default {
                let note = format!(
                    " Left out of the request unless set: the server then applies its default, `{default}`."
                );
                doc = if doc.is_empty() {
                    note
                } else {
                    format!("{doc}\n\n{note}")
                };
            }
            if !doc.is_empty() {
                field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            }
            shapes.insert((name.clone(), wire), shape_of(&field.ty));
        }
    });
    if let Some(e) = error {
        return Err(e);
    }
    for (name, named) in &model.schemas {
        if let Named::Object { props, .. } = named {
            for p in props {
                if !seen.contains(&(name.clone(), p.wire.clone())) {
                    return Err(format!(
                        "property {name}.{}: found no generated struct field for it; update fields in codegen/src/passes.rs",
                        p.wire
                    ));
                }
            }
        }
    }
    Ok(shapes)
}

fn shape_of(ty: &syn::Type) -> Shape {
    let syn::Type::Path(p) = ty else {
        return Shape::Plain;
    };
    match p
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .as_deref()
    {
        Some("Option") => Shape::Option,
        Some("Vec" | "HashMap" | "BTreeMap" | "Map") => Shape::Collection,
        _ => Shape::Plain,
    }
}

/// The value of `#[serde(rename = "...")]`, if the attributes have one.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// Each item of progenitor's `pub mod types`.
fn visit_types(file: &mut syn::File, mut each: impl FnMut(&mut syn::Item)) {
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &mut m.content
        {
            items.iter_mut().for_each(&mut each);
        }
    }
}

/// Adds items to progenitor's `pub mod types`.
pub fn append_to_types(file: &mut syn::File, extra: Vec<syn::Item>) -> Result<(), String> {
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &mut m.content
        {
            items.extend(extra);
            return Ok(());
        }
    }
    Err("found no `pub mod types` in the generated client; update append_to_types in codegen/src/passes.rs".into())
}

/// Each pass on a small hand-made input, its output compared as
/// prettyplease text to a snapshot in `codegen/snapshots/`
/// (`EXPECTORATE=overwrite cargo test --lib passes` rewrites them).
#[cfg(test)]
mod tests {
    use super::*;

    fn file(code: &str) -> syn::File {
        syn::parse_file(code).expect("the input parses")
    }

    fn snapshot(name: &str, file: &syn::File) {
        let path = format!("snapshots/{name}.rs");
        expectorate::assert_contents(path, &prettyplease::unparse(file));
    }

    #[test]
    fn non_exhaustive_enums_marks_each_enum_once() {
        let mut f = file(
            "pub mod types {
                pub enum Plain { A, B }
                #[non_exhaustive] pub enum Marked { C }
                pub struct NotAnEnum { pub x: i64 }
            }",
        );
        non_exhaustive_enums(&mut f);
        snapshot("non_exhaustive_enums", &f);
    }

    /// progenitor's httpmock shape: a path regex formatted from `value`.
    const MOCK: &str = r#"pub mod operations {
        impl GetPhloWhen {
            pub fn phlo_id(self, value: &types::Id) -> Self {
                let re = regex::Regex::new(&format!("^/phlo/{}$", value.to_string())).unwrap();
                Self(self.0.path_matches(re))
            }
            pub fn note(self, value: &str) -> Self {
                Self(self.0.body(format!("{}", value.to_string())))
            }
        }
    }"#;

    #[test]
    fn escape_mock_paths_escapes_path_regex_values_only() {
        let mut f = file(MOCK);
        escape_mock_paths(&mut f).unwrap();
        snapshot("escape_mock_paths", &f);
    }

    #[test]
    fn explode_mock_query_arrays_sends_one_pair_per_value() {
        let mut f = file(
            r#"impl W {
                pub fn tags<'a, T>(self, value: T) -> Self where T: Into<Option<&'a ::std::vec::Vec<i64>>> {
                    if let Some(value) = value.into() { Self(self.0.query_param("tags", value.to_string())) } else { Self(self.0.query_param_missing("tags")) }
                }
                pub fn limit(self, value: i64) -> Self { Self(self.0.query_param("limit", value.to_string())) }
            }"#,
        );
        assert_eq!(explode_mock_query_arrays(&mut f), 1);
        let text = prettyplease::unparse(&f);
        let flat: String = text.split_whitespace().collect();
        assert!(
            flat.contains(
                "value.iter().fold(self.0,|when,v|when.query_param(\"tags\",v.to_string()))"
            ),
            "{text}"
        );
        assert!(
            text.contains("Self(self.0.query_param(\"limit\", value.to_string()))"),
            "a scalar is left as it is: {text}"
        );
    }

    #[test]
    fn escape_mock_paths_fails_by_name_when_the_shape_is_gone() {
        let mut f = file(r#"fn f(v: &str) -> String { format!("^/phlo/{}$", v) }"#);
        assert_eq!(
            escape_mock_paths(&mut f).unwrap_err(),
            "a path regex `format!` without `value.to_string()` in the httpmock output \
             (2 args); update escape_mock_paths in codegen/src/passes.rs"
        );
        let mut f = file("fn f() {}");
        assert_eq!(
            escape_mock_paths(&mut f).unwrap_err(),
            "found no path regex in the httpmock output; update escape_mock_paths \
                    in codegen/src/passes.rs"
        );
    }

    /// One schema with two properties typify names alike (`a__b`, `a_b`),
    /// a `$ref` wrapped in `allOf` with a description, and a default.
    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Mode:
      type: string
      enum: [fast, slow]
    Thing:
      type: object
      required: [count]
      properties:
        a__b: {type: string, description: Two underscores.}
        a_b: {type: integer, description: One underscore.}
        count: {type: integer, description: How many., default: 3}
        mode:
          allOf: [{$ref: '#/components/schemas/Mode'}]
          description: The mode.
        tags: {type: array, items: {type: string}, description: Tags.}
"#;

    /// What typify generates for `Thing`, before the pass.
    const TYPES: &str = r#"pub mod types {
        pub struct Thing {
            #[serde(rename = "a__b", default, skip_serializing_if = "Option::is_none")]
            pub a_b: Option<String>,
            #[serde(rename = "a_b", default, skip_serializing_if = "Option::is_none")]
            pub a_b: Option<i64>,
            pub count: i64,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub mode: Option<Mode>,
            #[doc = " Tags."]
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub tags: Vec<String>,
        }
    }"#;

    #[test]
    fn fields_names_documents_and_shapes_each_property() {
        let model = super::super::model::build(SPEC).unwrap();
        let mut f = file(TYPES);
        let shapes = fields(&mut f, &model).unwrap();
        snapshot("fields", &f);
        let thing = |wire: &str| shapes[&("Thing".to_string(), wire.to_string())];
        assert_eq!(thing("a__b"), Shape::Option);
        assert_eq!(thing("a_b"), Shape::Option);
        assert_eq!(thing("count"), Shape::Plain);
        assert_eq!(thing("mode"), Shape::Option);
        assert_eq!(thing("tags"), Shape::Collection);
        assert_eq!(shapes.len(), 5);
    }

    #[test]
    fn fields_fails_by_name_for_a_field_or_property_it_cannot_find() {
        let model = super::super::model::build(SPEC).unwrap();
        let mut f = file("pub mod types { pub struct Thing { pub extra: i64 } }");
        assert_eq!(
            fields(&mut f, &model).unwrap_err(),
            "schema Thing: typify generated a field for \"extra\", which the model does not \
             know; update fields in codegen/src/passes.rs"
        );
        let mut f = file("pub mod types { pub struct Thing { pub count: i64 } }");
        assert_eq!(
            fields(&mut f, &model).unwrap_err(),
            "property Thing.a__b: found no generated struct field for it; update fields in \
             codegen/src/passes.rs"
        );
    }

    #[test]
    fn append_to_types_adds_at_the_end_of_mod_types() {
        let mut f = file("pub mod types { pub struct First; } pub struct Outside;");
        let extra = vec![syn::parse_quote!(
            pub struct Added;
        )];
        append_to_types(&mut f, extra).unwrap();
        snapshot("append_to_types", &f);
        let mut f = file("pub struct Outside;");
        assert_eq!(
            append_to_types(&mut f, Vec::new()).unwrap_err(),
            "found no `pub mod types` in the generated client; update append_to_types in \
             codegen/src/passes.rs"
        );
    }
}
