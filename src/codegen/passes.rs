//! Adjustments to progenitor's output, each a `syn::visit_mut` pass that
//! matches the syntax node it changes. Each fails the build, by name, when
//! progenitor's output no longer has the shape it expects.

use std::collections::BTreeMap;

use syn::{
    Expr, Lit, Stmt,
    punctuated::Punctuated,
    visit_mut::{self, VisitMut},
};

/// progenitor adds `api-version: <info.version>` to every request; Plivo has
/// no use for it. Drops the statement that appends it and, in a block left
/// with no other header, the map's allocation
/// (`HeaderMap::with_capacity(1)` becomes `HeaderMap::new()`, which does
/// not allocate).
/// `operations` is how many operations the spec has: one header each.
pub fn drop_api_version(file: &mut syn::File, operations: usize) -> Result<(), String> {
    struct Pass {
        dropped: usize,
    }
    impl VisitMut for Pass {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block
                .stmts
                .retain(|s| !appends_header(s, Some("api-version")));
            if block.stmts.len() < before {
                self.dropped += before - block.stmts.len();
                if !block.stmts.iter().any(|s| appends_header(s, None)) {
                    for stmt in &mut block.stmts {
                        if let Stmt::Local(local) = stmt
                            && pat_name(&local.pat).is_some_and(|n| n == "header_map")
                        {
                            *stmt = syn::parse_quote! {
                                let header_map = ::reqwest::header::HeaderMap::new();
                            };
                        }
                    }
                }
            }
            visit_mut::visit_block_mut(self, block);
        }
    }
    let mut pass = Pass { dropped: 0 };
    pass.visit_file_mut(file);
    if pass.dropped != operations {
        return Err(format!(
            "found {} `header_map.append(\"api-version\", ..)` in the generated client for \
             {operations} operations; update drop_api_version in src/codegen/passes.rs",
            pass.dropped
        ));
    }
    Ok(())
}

/// `header_map.append(HeaderName::from_static(NAME), ..);` (any name if `None`).
fn appends_header(stmt: &Stmt, name: Option<&str>) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    if call.method != "append" || !is_path(&call.receiver, "header_map") {
        return false;
    }
    let Some(Expr::Call(first)) = call.args.first() else {
        return false;
    };
    let from_static = matches!(&*first.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    let literal = match first.args.first() {
        Some(Expr::Lit(lit)) => match &lit.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    };
    from_static && name.is_none_or(|n| literal.as_deref() == Some(n))
}

/// progenitor percent-encodes every path parameter
/// (`encode_path(&id.to_string())`: a `String`, an encoder and a second
/// `String` per parameter per call). A parameter whose type's pattern admits
/// only unreserved characters has nothing to encode, and its type can only
/// hold values that passed the pattern: it goes in as it is (`id.as_str()`).
pub fn raw_safe_ids(
    file: &mut syn::File,
    safe: &std::collections::BTreeSet<String>,
) -> Result<(), String> {
    struct Pass<'a> {
        found: BTreeMap<&'a str, usize>,
    }
    impl VisitMut for Pass<'_> {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if let Some(name) = encoded_path_param(expr)
                && let Some(count) = self.found.get_mut(name.as_str())
            {
                *count += 1;
                let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
                *expr = syn::parse_quote!(#ident.as_str());
                return;
            }
            visit_mut::visit_expr_mut(self, expr);
        }

        // The URL is built in `format!(..)`, whose arguments are tokens to
        // syn: parse them as expressions, visit, and put them back.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            let Ok(mut args) = format_args(mac) else {
                return;
            };
            let before: usize = self.found.values().sum();
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            if self.found.values().sum::<usize>() > before {
                mac.tokens = quote_tokens(&args);
            }
        }
    }
    let mut pass = Pass {
        found: safe.iter().map(|s| (s.as_str(), 0)).collect(),
    };
    pass.visit_file_mut(file);
    for (name, count) in pass.found {
        if count == 0 {
            return Err(format!(
                "path parameter {name}: expected `encode_path(&{name}.to_string())` in the \
                 generated client; update raw_safe_ids in src/codegen/passes.rs"
            ));
        }
    }
    Ok(())
}

/// `encode_path(&NAME.to_string())` -> `NAME`.
fn encoded_path_param(expr: &Expr) -> Option<String> {
    let Expr::Call(call) = expr else { return None };
    if !matches!(&*call.func, Expr::Path(p) if p.path.is_ident("encode_path")) {
        return None;
    }
    let Some(Expr::Reference(reference)) = call.args.first() else {
        return None;
    };
    let Expr::MethodCall(to_string) = &*reference.expr else {
        return None;
    };
    if to_string.method != "to_string" || !to_string.args.is_empty() {
        return None;
    }
    match &*to_string.receiver {
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        _ => None,
    }
}

/// Every generated enum becomes `#[non_exhaustive]`, so a value the spec
/// gains later is not a breaking change for code that matches on it.
/// `expected` names the enums the spec's component schemas define; each
/// must be found (a spec without enums is fine).
pub fn non_exhaustive_enums(
    file: &mut syn::File,
    expected: &std::collections::BTreeSet<String>,
) -> Result<(), String> {
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
    if let Some(missing) = expected.iter().find(|e| !pass.marked.contains(e)) {
        return Err(format!(
            "schema {missing}: found no generated `enum {missing}`; update \
             non_exhaustive_enums in src/codegen/passes.rs"
        ));
    }
    Ok(())
}

/// typify drops a property's description when the property wraps a `$ref`
/// in `allOf` (how the spec describes a field of a shared type): every
/// field of a generated struct without a doc comment gets the spec's text.
/// Fails when a struct or field the spec names is not generated.
pub fn field_docs(
    file: &mut syn::File,
    docs: &[(String, Vec<(String, String)>)],
) -> Result<(), String> {
    struct Pass<'a> {
        docs: &'a [(String, Vec<(String, String)>)],
        seen: Vec<String>,
    }
    impl VisitMut for Pass<'_> {
        fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
            let name = item.ident.to_string();
            let Some((_, fields)) = self.docs.iter().find(|(n, _)| *n == name) else {
                return;
            };
            for field in item.fields.iter_mut() {
                let Some(ident) = &field.ident else { continue };
                let ident = ident.to_string();
                let Some((_, text)) = fields.iter().find(|(f, _)| *f == ident) else {
                    continue;
                };
                self.seen.push(format!("{name}.{ident}"));
                if !field.attrs.iter().any(|a| a.path().is_ident("doc")) {
                    let text = format!(" {}", text.trim());
                    field.attrs.insert(0, syn::parse_quote!(#[doc = #text]));
                }
            }
        }
    }
    let mut pass = Pass {
        docs,
        seen: Vec::new(),
    };
    pass.visit_file_mut(file);
    for (schema, fields) in docs {
        for (field, _) in fields {
            let key = format!("{schema}.{field}");
            if !pass.seen.contains(&key) {
                return Err(format!(
                    "property {key}: found no generated struct field for it; update \
                     field_docs in src/codegen/passes.rs"
                ));
            }
        }
    }
    Ok(())
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
                     output ({} args); update escape_mock_paths in src/codegen/passes.rs",
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
                    in src/codegen/passes.rs"
                .into(),
        );
    }
    Ok(())
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

fn pat_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "passes_tests.rs"]
mod tests;
