//! A pass that refuses generated code needing a crate plivo-phlo does not
//! depend on at run time (see `refuse_foreign_crates`).

use syn::visit_mut::{self, VisitMut};

/// Refuses generated code that needs a crate plivo-phlo does not depend on
/// at run time: `regress` (patterns) and `uuid` are (behind the features
/// the build asks for when the spec needs them), and the
/// model maps `format: date-time` and `date` to the crate's own types, so
/// only `chrono` (another date or time format) is left. The message names
/// the schema and what to do instead.
pub fn refuse_foreign_crates(file: &mut syn::File) -> Result<(), String> {
    const FOREIGN: [(&str, &str); 1] =
        [("chrono", "a date or time `format` the model does not map")];
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

        // `::uuid::Uuid`, `regress::Regex`: a crate path, never a lone name
        // (a parameter called `uuid` is a local variable).
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if self.found.is_none()
                && (path.leading_colon.is_some() || path.segments.len() > 1)
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
             plivo-phlo does not depend on at run time. Use `format: date-time` or `date`, or \
             drop the `format` and say the rule in the description"
        )),
    }
}

#[cfg(test)]
mod tests {
    fn file(src: &str) -> syn::File {
        syn::parse_str(src).expect("test input parses")
    }

    #[test]
    fn refuse_foreign_crates_names_the_schema_and_the_crate() {
        super::refuse_foreign_crates(&mut file("pub struct Fine(String);")).unwrap();
        // A parameter named after a crate is a local variable, not the crate.
        super::refuse_foreign_crates(&mut file(
            "impl Client { fn get(&self, chrono: &str) { let u = encode_path(&chrono.to_string()); } }",
        ))
        .unwrap();
        let err = super::refuse_foreign_crates(&mut file(
            "pub struct Run { pub at: ::chrono::DateTime<::chrono::offset::Utc> }",
        ))
        .unwrap_err();
        assert!(
            err.starts_with("schema Run: its generated type needs the `chrono` crate"),
            "{err}"
        );
    }
}
