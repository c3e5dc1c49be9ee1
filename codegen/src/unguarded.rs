//! progenitor's own client, the unguarded layer (`PhloClient::generated()`),
//! behind the crate's `unguarded` feature: its `Client` with every impl, its
//! imports of `progenitor_client`, the hooks assertion and the `prelude`.
//! A build without the feature compiles none of it, nor progenitor-client
//! (and through it reqwest's `stream` and `query` parts). The types and the
//! guarded layer do not depend on any of it.

use quote::ToTokens;

/// Gates progenitor's client items of the client file, at its top level
/// (the per-tag split keeps the gate on each operation's `impl Client`).
pub fn gate(file: &mut syn::File) -> Result<(), String> {
    let gate: syn::Attribute = syn::parse_quote!(#[cfg(feature = "unguarded")]);
    let mut found = false;
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Use(u)
                if u.tree
                    .to_token_stream()
                    .to_string()
                    .starts_with("progenitor_client") =>
            {
                &mut u.attrs
            }
            syn::Item::Struct(s) if s.ident == "Client" => {
                found = true;
                &mut s.attrs
            }
            syn::Item::Impl(i)
                if crate::tags::last_ident(&i.self_ty).as_deref() == Some("Client") =>
            {
                &mut i.attrs
            }
            syn::Item::Const(c) if mentions(c.to_token_stream(), "ClientHooks") => &mut c.attrs,
            syn::Item::Mod(m) if m.ident == "prelude" => &mut m.attrs,
            _ => continue,
        };
        attrs.push(gate.clone());
    }
    if found {
        Ok(())
    } else {
        Err("found no `pub struct Client` in the generated client; update gate in codegen/src/unguarded.rs".into())
    }
}

fn mentions(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_progenitors_client_is_gated() {
        let mut file = syn::parse_file(
            "pub use progenitor_client::{Error, ResponseValue};
             use serde::Serialize;
             pub mod types { pub struct Client; }
             pub struct Client { baseurl: String }
             impl Client { pub fn new() -> Self { todo!() } }
             impl ClientInfo<()> for Client { fn api_version() -> &'static str { \"1\" } }
             const _: () = { fn assert_client_hooks() where Client: ClientHooks<()> {} };
             const N: usize = 1;
             pub mod prelude { pub use super::Client; }
             impl<'c> Operations<'c> { pub fn get(&self) {} }",
        )
        .expect("the input parses");
        gate(&mut file).expect("a Client is found");
        let gated: Vec<bool> = file
            .items
            .iter()
            .map(|item| {
                item.to_token_stream()
                    .to_string()
                    .starts_with("# [cfg (feature = \"unguarded\")]")
            })
            .collect();
        assert_eq!(
            gated,
            [
                true, false, false, true, true, true, true, false, true, false
            ]
        );
    }

    #[test]
    fn a_file_without_a_client_is_refused_by_name() {
        let mut file = syn::parse_file("pub mod types {}").expect("the input parses");
        let err = gate(&mut file).expect_err("no Client");
        assert!(err.contains("codegen/src/unguarded.rs"), "{err}");
    }
}
