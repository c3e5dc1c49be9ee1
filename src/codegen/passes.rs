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

/// Refuses generated code that needs a crate plivo-phlo does not depend on
/// at run time: typify turns a string `pattern` into a `regress` regex and
/// `format: uuid` / `date-time` / `date` into `uuid` / `chrono` types. The
/// message names the schema and what to do instead.
pub fn refuse_foreign_crates(file: &mut syn::File) -> Result<(), String> {
    const FOREIGN: [(&str, &str); 3] = [
        ("regress", "a string `pattern`"),
        ("uuid", "`format: uuid`"),
        ("chrono", "`format: date-time` or `date`"),
    ];
    struct Pass {
        item: String,
        found: Option<(String, &'static str, &'static str)>,
    }
    impl VisitMut for Pass {
        fn visit_item_mut(&mut self, item: &mut syn::Item) {
            let name = match item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Enum(e) => Some(e.ident.to_string()),
                syn::Item::Type(t) => Some(t.ident.to_string()),
                syn::Item::Impl(i) => match &*i.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            let outer = name.map(|n| std::mem::replace(&mut self.item, n));
            visit_mut::visit_item_mut(self, item);
            if let Some(outer) = outer {
                self.item = outer;
            }
        }

        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if self.found.is_none()
                && let Some(first) = path.segments.first()
                && let Some((krate, why)) = FOREIGN.iter().find(|(k, _)| first.ident == k)
            {
                self.found = Some((self.item.clone(), krate, why));
            }
            visit_mut::visit_path_mut(self, path);
        }
    }
    let mut pass = Pass {
        item: String::new(),
        found: None,
    };
    pass.visit_file_mut(file);
    match pass.found {
        None => Ok(()),
        Some((item, krate, why)) => Err(format!(
            "schema {item}: its generated type needs the `{krate}` crate (from {why}), which \
             plivo-phlo does not depend on at run time. Drop the `pattern`/`format` and say \
             the rule in the description, or reuse a hand-written schema (Id, AuthId, Address)"
        )),
    }
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
mod tests {
    //! Each pass on a small hand-made file: what it changes, and the named
    //! failure when progenitor's output no longer has the expected shape.

    use std::collections::BTreeSet;

    fn file(src: &str) -> syn::File {
        syn::parse_str(src).expect("test input parses")
    }

    fn text(file: &syn::File) -> String {
        quote::quote!(#file).to_string()
    }

    const TWO_OPS: &str = r#"
        impl Client {
            fn a(&self) {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(::reqwest::header::HeaderName::from_static("api-version"), x);
                let url = format!("{}/phlo/{}", self.baseurl, encode_path(&phlo_id.to_string()));
            }
            fn b(&self) {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(::reqwest::header::HeaderName::from_static("api-version"), x);
                header_map.append(::reqwest::header::HeaderName::from_static("x-other"), y);
            }
        }
    "#;

    #[test]
    fn drop_api_version_removes_one_header_per_operation_or_fails_by_name() {
        let mut f = file(TWO_OPS);
        super::drop_api_version(&mut f, 2).unwrap();
        let out = text(&f);
        assert!(!out.contains("api-version"), "{out}");
        assert!(out.contains("x-other"), "other headers stay: {out}");
        assert_eq!(out.matches("HeaderMap :: new ()").count(), 1, "{out}");

        let err = super::drop_api_version(&mut file(TWO_OPS), 3).unwrap_err();
        assert!(err.contains("found 2") && err.contains("3 operations"), "{err}");
        assert!(err.contains("drop_api_version in src/codegen/passes.rs"), "{err}");
    }

    #[test]
    fn raw_safe_ids_unwraps_encode_path_or_fails_by_name() {
        let mut f = file(TWO_OPS);
        let safe: BTreeSet<String> = ["phlo_id".to_string()].into();
        super::raw_safe_ids(&mut f, &safe).unwrap();
        let out = text(&f);
        assert!(out.contains("phlo_id . as_str ()") && !out.contains("encode_path"), "{out}");

        let missing: BTreeSet<String> = ["node_id".to_string()].into();
        let err = super::raw_safe_ids(&mut file(TWO_OPS), &missing).unwrap_err();
        assert!(err.starts_with("path parameter node_id:"), "{err}");
        assert!(err.contains("raw_safe_ids"), "{err}");
    }

    #[test]
    fn non_exhaustive_enums_marks_every_enum_and_needs_the_spec_ones() {
        let mut f = file("pub enum Role { Agent, Customer } pub enum Other { A }");
        let expected: BTreeSet<String> = ["Role".to_string()].into();
        super::non_exhaustive_enums(&mut f, &expected).unwrap();
        assert_eq!(text(&f).matches("# [non_exhaustive]").count(), 2);

        // A spec without enums is not a changed shape.
        super::non_exhaustive_enums(&mut file("pub struct S;"), &BTreeSet::new()).unwrap();
        let err = super::non_exhaustive_enums(&mut file("pub struct Role;"), &expected)
            .unwrap_err();
        assert!(err.starts_with("schema Role: found no generated `enum Role`"), "{err}");
    }

    #[test]
    fn field_docs_fills_missing_docs_and_names_what_it_cannot_find() {
        let mut f = file("pub struct Req { pub to: Address, #[doc = \" kept\"] pub role: Role }");
        let docs = vec![(
            "Req".to_string(),
            vec![
                ("to".to_string(), "Who is dialled.".to_string()),
                ("role".to_string(), "ignored".to_string()),
            ],
        )];
        super::field_docs(&mut f, &docs).unwrap();
        let out = text(&f);
        assert!(out.contains("Who is dialled.") && out.contains("kept") && !out.contains("ignored"), "{out}");

        let err = super::field_docs(&mut file("pub struct Other;"), &docs).unwrap_err();
        assert!(err.starts_with("property Req.to:"), "{err}");
    }

    #[test]
    fn escape_mock_paths_escapes_values_or_fails_by_name() {
        let mut f = file(r#"fn p(value: &str) { let re = format!("^/v1/phlo/{}$", value.to_string()); }"#);
        super::escape_mock_paths(&mut f).unwrap();
        assert!(text(&f).contains(":: regex :: escape (& value . to_string ())"), "{}", text(&f));

        let err = super::escape_mock_paths(&mut file("fn p() {}")).unwrap_err();
        assert!(err.contains("found no path regex") && err.contains("escape_mock_paths"), "{err}");
        let err = super::escape_mock_paths(&mut file(
            r#"fn p(v: &str) { let re = format!("^/v1/phlo/{}$", v); }"#,
        ))
        .unwrap_err();
        assert!(err.contains("without `value.to_string()`"), "{err}");
    }

    #[test]
    fn refuse_foreign_crates_names_the_schema_and_the_crate() {
        super::refuse_foreign_crates(&mut file("pub struct Fine(String);")).unwrap();
        let err = super::refuse_foreign_crates(&mut file(
            "pub struct Ticket(String); impl std::str::FromStr for Ticket { \
             fn from_str(v: &str) -> Result<Self, E> { static P: ::std::sync::LazyLock<::regress::Regex> = todo!(); } }",
        ))
        .unwrap_err();
        assert!(err.starts_with("schema Ticket: its generated type needs the `regress` crate"), "{err}");
        let err = super::refuse_foreign_crates(&mut file(
            "pub struct Run { pub at: ::chrono::DateTime<::chrono::offset::Utc> }",
        ))
        .unwrap_err();
        assert!(err.contains("schema Run") && err.contains("`chrono`"), "{err}");
    }
}
