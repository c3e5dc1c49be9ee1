//! Serde only in the direction a type travels, where the crate allows it. A
//! type only answers, error bodies and callbacks carry is `Deserialize`; its
//! `Serialize` (what MockPhlo needs to answer with it) comes with the
//! crate's `serde-both` feature. A request type keeps both: `operations()`
//! decodes the JSON body it is given into it (the `prepare` arms), so its
//! Deserialize is user-visible API. A type both carry, or that no operation
//! names (a free schema), keeps both.
//!
//! The direction comes from the generated client itself: what progenitor's
//! methods and the guarded layer take (requests) and return (answers and
//! error bodies), with what each type's definition names, so a type typify
//! made of an inline schema is followed like a named one.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::{model::Model, rust, tags};

/// The feature that turns the other direction on (Cargo.toml).
const BOTH: &str = "serde-both";

/// Makes the `Serialize` derive and impls of each answer-only type depend on
/// `serde-both`. Runs before the tag gates and the split.
pub fn one_way(model: &Model, client: &mut syn::File) {
    let names = tags::type_names(client);
    let mut out = BTreeSet::new();
    let mut back = BTreeSet::new();
    for item in &client.items {
        let syn::Item::Impl(i) = item else { continue };
        if i.trait_.is_some() || tags::owner_of_impl(i, &names).is_some() {
            continue;
        }
        for member in &i.items {
            if let syn::ImplItem::Fn(f) = member {
                for input in &f.sig.inputs {
                    tags::idents(input.to_token_stream(), &mut out);
                }
                tags::idents(f.sig.output.to_token_stream(), &mut back);
            }
        }
    }
    for callback in model.ops.iter().flat_map(|op| &op.callbacks) {
        tags::idents(rust::owned(&callback.ty), &mut back);
    }
    let (out, back) = (reach(client, &names, out), reach(client, &names, back));
    let answer_only = |name: &str| back.contains(name) && !out.contains(name);
    each_type_item(client, |item| match item {
        syn::Item::Struct(s) if answer_only(&s.ident.to_string()) => {
            let deserialize_left = serialize_with_both(&mut s.attrs);
            let fields = s.fields.iter_mut().filter(|_| !deserialize_left);
            fields.for_each(|f| helpers_with_both(&mut f.attrs));
        }
        syn::Item::Enum(e) if answer_only(&e.ident.to_string()) => {
            let deserialize_left = serialize_with_both(&mut e.attrs);
            for v in e.variants.iter_mut().filter(|_| !deserialize_left) {
                helpers_with_both(&mut v.attrs);
                v.fields
                    .iter_mut()
                    .for_each(|f| helpers_with_both(&mut f.attrs));
            }
        }
        syn::Item::Impl(i)
            if tags::last_ident(&i.self_ty).is_some_and(|n| answer_only(&n))
                && i.trait_
                    .as_ref()
                    .is_some_and(|(path, _)| is_serde(path, "Serialize")) =>
        {
            i.attrs.push(syn::parse_quote!(#[cfg(feature = #BOTH)]));
        }
        _ => {}
    });
}

/// `seeds` (identifiers) with every type the definitions of those under
/// `types` name, transitively.
fn reach(
    client: &syn::File,
    names: &BTreeSet<String>,
    seeds: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut defs = std::collections::BTreeMap::new();
    for item in types_items(client) {
        let (name, tokens) = match item {
            syn::Item::Struct(s) => (s.ident.to_string(), s.to_token_stream()),
            syn::Item::Enum(e) => (e.ident.to_string(), e.to_token_stream()),
            syn::Item::Type(t) => (t.ident.to_string(), t.to_token_stream()),
            _ => continue,
        };
        let mut named = BTreeSet::new();
        tags::idents(tokens, &mut named);
        defs.insert(name, named);
    }
    let mut done = BTreeSet::new();
    let mut work: Vec<String> = seeds.into_iter().filter(|n| names.contains(n)).collect();
    while let Some(name) = work.pop() {
        if done.insert(name.clone()) {
            let next = defs.get(&name).into_iter().flatten();
            work.extend(
                next.filter(|n| names.contains(*n) && !done.contains(*n))
                    .cloned(),
            );
        }
    }
    done
}

fn types_items(client: &syn::File) -> impl Iterator<Item = &syn::Item> {
    client.items.iter().flat_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => {
            m.content.iter().flat_map(|(_, items)| items).collect()
        }
        _ => Vec::new(),
    })
}

fn each_type_item(client: &mut syn::File, mut each: impl FnMut(&mut syn::Item)) {
    for item in &mut client.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
        {
            m.content
                .iter_mut()
                .flat_map(|(_, items)| items)
                .for_each(&mut each);
        }
    }
}

/// `serde::<name>` (with or without the leading `::`).
fn is_serde(path: &syn::Path, name: &str) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments == ["serde", name]
}

/// Moves `Serialize` out of a `#[derive(..)]` into
/// `#[cfg_attr(feature = "serde-both", derive(::serde::Serialize))]`.
/// Whether a serde derive is left (`Deserialize`); when none is (typify's
/// checked newtypes derive `Serialize` and write their `Deserialize`), the
/// `#[serde(..)]` attributes go behind the feature too, after the derive
/// that gives them meaning.
fn serialize_with_both(attrs: &mut Vec<syn::Attribute>) -> bool {
    let other = "Serialize";
    let mut moved = false;
    let mut left = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        if !paths.iter().any(|p| is_serde(p, other)) {
            continue;
        }
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_serde(p, other)).collect();
        left |= kept.iter().any(|p| is_serde(p, "Deserialize"));
        let tokens: TokenStream = quote!(#[derive(#(#kept),*)]);
        *attr = syn::parse_quote!(#tokens);
        moved = true;
    }
    if !moved {
        return true;
    }
    attrs.push(syn::parse_quote!(#[cfg_attr(feature = #BOTH, derive(::serde::Serialize))]));
    if !left {
        let (mut helpers, rest): (Vec<_>, Vec<_>) =
            attrs.drain(..).partition(|a| a.path().is_ident("serde"));
        *attrs = rest;
        helpers_with_both(&mut helpers);
        attrs.extend(helpers);
    }
    left
}

/// Each `#[serde(..)]` as `#[cfg_attr(feature = "serde-both", serde(..))]`.
fn helpers_with_both(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
        let meta = &attr.meta;
        *attr = syn::parse_quote!(#[cfg_attr(feature = #BOTH, #meta)]);
    }
}

#[cfg(test)]
mod tests {
    /// An answer-only object, a request-only one, one both carry, a callback
    /// body and a schema no operation names.
    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://example.com/v1"}]
paths:
  /a:
    post:
      operationId: post_a
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Ask"}}}
      callbacks:
        done:
          "{$request.body#/url}":
            post:
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Event"}}}}
              responses: {"200": {description: ok}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Answer"}}}}
        "400": {description: no, content: {application/json: {schema: {$ref: "#/components/schemas/Fault"}}}}
  /b:
    put:
      operationId: put_b
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Echo"}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Echo"}}}}
components:
  schemas:
    Address: {type: string, pattern: "^x$", maxLength: 9}
    Id: {type: string, pattern: "^x$", maxLength: 9}
    AuthId: {type: string, pattern: "^x$", maxLength: 9}
    Ask: {type: object, properties: {url: {type: string}, kind: {$ref: "#/components/schemas/Kind"}}}
    Answer: {type: object, properties: {inner: {$ref: "#/components/schemas/Inner"}, state: {$ref: "#/components/schemas/State"}, code: {$ref: "#/components/schemas/Code"}}}
    Code: {type: string, maxLength: 5}
    Inner: {type: object, properties: {n: {type: integer}}}
    Fault: {type: object, properties: {error: {type: string}}}
    Echo: {type: object, properties: {v: {type: string}}}
    Event: {type: object, properties: {state: {$ref: "#/components/schemas/State"}}}
    Kind: {type: string, enum: [x, y]}
    State: {type: string, enum: [up, down]}
    Free: {type: object, properties: {f: {type: string}}}
"##;

    /// The attributes right above `item` in `text`, joined.
    fn attrs_of(text: &str, item: &str) -> String {
        let at = text.find(item).unwrap_or_else(|| panic!("{item}: {text}"));
        crate::test_util::attrs_above(text, at).join(" ")
    }

    #[test]
    fn an_answer_only_type_is_serialize_only_with_serde_both() {
        let wanted = crate::Wanted {
            calls: false,
            httpmock: false,
            pattern: false,
            uuid: false,
            features: None,
        };
        let generated = crate::generate(SPEC, wanted).unwrap();
        let client = generated.files[0].clone().unwrap();
        let one_way = |attrs: &str| {
            attrs.starts_with("#[derive(::serde::Deserialize, Clone,")
                && attrs
                    .contains("] #[cfg_attr(feature = \"serde-both\", derive(::serde::Serialize))]")
                && attrs.matches("Serialize").count() == 1
        };
        // Answers, what they name, the error body and the callback's event.
        for item in [
            "pub struct Answer ",
            "pub struct Inner ",
            "pub struct Fault ",
            "pub struct Event ",
        ] {
            let attrs = attrs_of(&client, item);
            assert!(one_way(&attrs), "{item}: {attrs}");
        }
        // typify's checked newtype: Serialize derived, Deserialize its own;
        // its `serde(..)` goes behind the feature, after the derive.
        let attrs = attrs_of(&client, "pub struct Code(");
        assert!(
            attrs.ends_with(
                "#[cfg_attr(feature = \"serde-both\", derive(::serde::Serialize))] \
                 #[cfg_attr(feature = \"serde-both\", serde(transparent))]"
            ) && !attrs.contains("#[serde"),
            "{attrs}"
        );
        // A request type keeps both (operations() decodes JSON into it), as
        // does one both carry and one no operation names.
        for item in ["pub struct Ask ", "pub struct Echo ", "pub struct Free "] {
            let attrs = attrs_of(&client, item);
            assert!(
                attrs.contains("::serde::Deserialize, ::serde::Serialize")
                    && !attrs.contains("serde-both"),
                "{item}: {attrs}"
            );
        }
        // The crate's own enums: an answer-only one's Serialize impl too.
        assert_eq!(
            attrs_of(&client, "impl ::serde::Serialize for State "),
            "#[cfg(feature = \"serde-both\")]"
        );
        assert_eq!(attrs_of(&client, "impl ::serde::Serialize for Kind "), "");
        assert_eq!(
            attrs_of(&client, "impl<'de> ::serde::Deserialize<'de> for State "),
            ""
        );
    }
}
