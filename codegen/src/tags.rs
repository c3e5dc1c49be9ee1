//! Per-tag features: every tag of the spec is a Cargo feature of
//! plivo-phlo, and each generated item is compiled only when a tag that
//! needs it is on.
//!
//! - A tag's feature is its name in lower case, each run of other
//!   characters one `-` (`multi_party_call` → `multi-party-call`).
//! - An operation's items (its methods, table entry, `Call` variant, mock
//!   helpers) carry `#[cfg(any(feature = …))]` for its own tags; an
//!   untagged operation is in every build.
//! - A type carries the tags of every operation that reaches it, through
//!   the names its items mention. A type no operation reaches (a callback's
//!   event, say) is in every build, and so is everything it reaches. Over
//!   the names an item mentions, a gate can only be too wide, never too
//!   narrow: a false mention keeps a type in more builds, nothing more.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};

use serde_norway::Value;

use super::{
    model::{HAND_WRITTEN, Model, Op},
    names::pascal,
    rust,
};

/// A tag's Cargo feature, `None` when nothing of it is a letter or digit.
pub fn feature(tag: &str) -> Option<String> {
    let mut out = String::new();
    for c in tag.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// Every tag an operation has, with its feature, in the spec's order; a tag
/// that makes no feature name is refused by name. Two tags may make one
/// feature (`Multi Party Call` and `multi_party_call`): it turns on both.
pub fn features(model: &Model) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for op in &model.ops {
        for tag in &op.tags {
            if out.iter().any(|(t, _)| t == tag) {
                continue;
            }
            let Some(f) = feature(tag) else {
                return Err(format!(
                    "operation {}: its tag {tag:?} makes no Cargo feature name (a tag's feature is its \
                     letters and digits, lower case, joined by `-`): give the tag a letter or digit",
                    op.id
                ));
            };
            out.push((tag.clone(), f));
        }
    }
    Ok(out)
}

/// Keeps what a build with the features `on` needs: drops every operation
/// none of whose tags is on (an untagged one stays), and from the
/// normalised document the components only dropped operations reach. A
/// component no operation reaches (a callback's event schema) stays, with
/// what it reaches; so do the crate's own Address, Id and AuthId. An
/// operation's callbacks are not its reach: their schemas serve the
/// callback receiver, in every build.
pub fn keep_enabled(model: &mut Model, on: &dyn Fn(&str) -> bool) {
    let dropped: BTreeSet<String> = model
        .ops
        .iter()
        .filter(|op| {
            !op.tags.is_empty() && !op.tags.iter().any(|t| feature(t).is_some_and(|f| on(&f)))
        })
        .map(|op| op.id.clone())
        .collect();
    if dropped.is_empty() {
        return;
    }
    let (mut reach_all, mut reach_kept) = (BTreeSet::new(), BTreeSet::new());
    // The types of every operation's callbacks (the model has taken them
    // out of the document): the receiver's, in every build.
    let mut callback_types = BTreeSet::new();
    for callback in model.ops.iter().flat_map(|op| &op.callbacks) {
        idents(rust::owned(&callback.ty), &mut callback_types);
    }
    if let Some(paths) = model.doc.get_mut("paths").and_then(Value::as_mapping_mut) {
        for (_, item) in paths.iter_mut() {
            let Some(item) = item.as_mapping_mut() else {
                continue;
            };
            let shared = item.get("parameters").cloned();
            let mut gone = Vec::new();
            for (method, op) in item.iter() {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let mut seen = BTreeSet::new();
                refs(op, &mut seen, true);
                if let Some(shared) = &shared {
                    refs(shared, &mut seen, true);
                }
                reach_all.extend(seen.iter().cloned());
                if dropped.contains(id) {
                    gone.push(method.clone());
                } else {
                    reach_kept.extend(seen);
                }
            }
            for method in gone {
                item.remove(&method);
            }
        }
        paths.retain(|_, item| {
            item.as_mapping()
                .is_none_or(|m| m.values().any(|op| op.get("operationId").is_some()))
        });
    }
    let reach_all = close(&model.doc, reach_all);
    // Only a schema no operation reaches is a root: the model has inlined
    // responses, parameters and request bodies, so one of those that only a
    // dropped operation reaches would otherwise keep what it names.
    let every: BTreeSet<String> = model
        .doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .into_iter()
        .flat_map(|m| m.keys())
        .filter_map(Value::as_str)
        .map(|name| format!("#/components/schemas/{name}"))
        .collect();
    let callbacks: Vec<String> = every
        .iter()
        .filter(|r| {
            r.rsplit('/')
                .next()
                .is_some_and(|name| callback_types.contains(&pascal(name)))
        })
        .cloned()
        .collect();
    let mut seeds: BTreeSet<String> = every.difference(&reach_all).cloned().collect();
    seeds.extend(reach_kept);
    seeds.extend(callbacks);
    seeds.extend(
        HAND_WRITTEN
            .iter()
            .map(|n| format!("#/components/schemas/{n}")),
    );
    let keep = close(&model.doc, seeds);
    let mut removed_types = BTreeSet::new();
    if let Some(components) = model
        .doc
        .get_mut("components")
        .and_then(Value::as_mapping_mut)
    {
        for (kind, entries) in components.iter_mut() {
            let kind = kind.as_str().unwrap_or_default().to_string();
            if let Some(entries) = entries.as_mapping_mut() {
                entries.retain(|name, _| {
                    let name = name.as_str().unwrap_or_default();
                    let kept = keep.contains(&format!("#/components/{kind}/{name}"));
                    if !kept && kind == "schemas" {
                        removed_types.insert(pascal(name));
                    }
                    kept
                });
            }
        }
    }
    model
        .schemas
        .retain(|name, _| !removed_types.contains(name));
    model.ops.retain(|op| !dropped.contains(&op.id));
    model.excluded.retain(|(id, _)| !dropped.contains(id));
}

/// Every `$ref` under `value` (an operation's `callbacks` left out when
/// `skip_callbacks`).
fn refs(value: &Value, out: &mut BTreeSet<String>, skip_callbacks: bool) {
    match value {
        Value::Mapping(m) => {
            for (k, v) in m {
                match k.as_str() {
                    Some("$ref") => {
                        if let Some(r) = v.as_str() {
                            out.insert(r.to_string());
                        }
                    }
                    Some("callbacks") if skip_callbacks => {}
                    _ => refs(v, out, skip_callbacks),
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| refs(v, out, skip_callbacks)),
        Value::Tagged(t) => refs(&t.value, out, skip_callbacks),
        _ => {}
    }
}

/// `seeds` with every component they reach, through `$ref`s.
fn close(doc: &Value, seeds: BTreeSet<String>) -> BTreeSet<String> {
    let mut done = BTreeSet::new();
    let mut work: Vec<String> = seeds.into_iter().collect();
    while let Some(r) = work.pop() {
        if !done.insert(r.clone()) {
            continue;
        }
        let Some(path) = r.strip_prefix("#/components/") else {
            continue;
        };
        let Some((kind, name)) = path.split_once('/') else {
            continue;
        };
        if let Some(target) = doc
            .get("components")
            .and_then(|c| c.get(kind))
            .and_then(|k| k.get(name))
        {
            let mut next = BTreeSet::new();
            refs(target, &mut next, false);
            work.extend(next.into_iter().filter(|n| !done.contains(n)));
        }
    }
    done
}

/// The `#[cfg]` an operation's items carry: none for an untagged one.
pub fn op_cfg(op: &Op) -> TokenStream {
    need_of(op).attr()
}

/// The same, as a line of the operations table's text.
pub fn op_cfg_line(op: &Op) -> String {
    let cfg = op_cfg(op);
    if cfg.is_empty() {
        String::new()
    } else {
        format!("{cfg}\n")
    }
}

/// Which builds need an item: every one, or those with one of `features`.
#[derive(Clone, Debug, Default, PartialEq)]
struct Need {
    always: bool,
    features: BTreeSet<String>,
}

impl Need {
    const ALWAYS: Need = Need {
        always: true,
        features: BTreeSet::new(),
    };

    /// Widens `self` by `other`; whether that changed it.
    fn widen(&mut self, other: &Need) -> bool {
        let before = self.clone();
        self.always |= other.always;
        self.features.extend(other.features.iter().cloned());
        *self != before
    }

    fn attr(&self) -> TokenStream {
        if self.always || self.features.is_empty() {
            return TokenStream::new();
        }
        let features = self.features.iter();
        quote!(#[cfg(any(#(feature = #features),*))])
    }
}

fn need_of(op: &Op) -> Need {
    if op.tags.is_empty() {
        return Need::ALWAYS;
    }
    Need {
        always: false,
        features: op.tags.iter().filter_map(|t| feature(t)).collect(),
    }
}

/// Gates progenitor's part of the client file: its methods (by operation),
/// and every type under `types` with its impls (by what reaches it). The
/// crate's own per-operation items (guarded.rs) carry their gates already.
pub fn gate_client(model: &Model, client: &mut syn::File) {
    let names = type_names(client);
    // What each type's items (its definition and impls) mention.
    let mut mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // What the items of no type and no operation mention: in every build.
    let mut free = BTreeSet::new();
    let ops: BTreeMap<String, &Op> = model
        .ops
        .iter()
        .flat_map(|op| [(op.rust.clone(), op), (format!("request_{}", op.rust), op)])
        .collect();
    let mut seeds: Vec<(String, Need)> = Vec::new();
    let mut collect = |item: &syn::Item, free: &mut BTreeSet<String>| match owner(item, &names) {
        Some(name) => idents(item.to_token_stream(), mentions.entry(name).or_default()),
        None => idents(item.to_token_stream(), free),
    };
    for item in &client.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    collect(item, &mut free);
                }
            }
            syn::Item::Mod(m) if m.ident == "checks" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    if let syn::Item::Fn(f) = item
                        && let Some(op) = ops.get(&f.sig.ident.to_string())
                    {
                        let mut seen = BTreeSet::new();
                        idents(f.to_token_stream(), &mut seen);
                        seeds.extend(seen.into_iter().map(|n| (n, need_of(op))));
                    }
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() && owner(item, &names).is_none() => {
                for member in &i.items {
                    let mut seen = BTreeSet::new();
                    idents(member.to_token_stream(), &mut seen);
                    match member {
                        syn::ImplItem::Fn(f) => match ops.get(&f.sig.ident.to_string()) {
                            Some(op) => seeds.extend(seen.into_iter().map(|n| (n, need_of(op)))),
                            // Its arms name each operation's types, gated with it.
                            None if f.sig.ident == "prepare" => {}
                            None => free.extend(seen),
                        },
                        _ => free.extend(seen),
                    }
                }
            }
            other => collect(other, &mut free),
        }
    }
    let mut types: BTreeMap<String, Need> = BTreeMap::new();
    let widen = |seeds: Vec<(String, Need)>, types: &mut BTreeMap<String, Need>| {
        let mut work: Vec<(String, Need)> = seeds
            .into_iter()
            .filter(|(n, _)| names.contains(n))
            .collect();
        while let Some((name, need)) = work.pop() {
            if types.entry(name.clone()).or_default().widen(&need) {
                for next in mentions.get(&name).into_iter().flatten() {
                    if names.contains(next) && *next != name {
                        work.push((next.clone(), need.clone()));
                    }
                }
            }
        }
    };
    widen(seeds, &mut types);
    // A callback's body serves the receiver, in every build (like keep_enabled).
    let mut callback_types = BTreeSet::new();
    for callback in model.ops.iter().flat_map(|op| &op.callbacks) {
        idents(rust::owned(&callback.ty), &mut callback_types);
    }
    // No operation reaches it: in every build, with what it mentions.
    let unreached: Vec<(String, Need)> = names
        .iter()
        .filter(|n| !types.contains_key(*n))
        .chain(free.iter().filter(|n| names.contains(*n)))
        .chain(callback_types.iter().filter(|n| names.contains(*n)))
        .map(|n| (n.clone(), Need::ALWAYS))
        .collect();
    widen(unreached, &mut types);
    let gate_type_item = |item: &mut syn::Item| {
        if let Some(name) = owner(item, &names)
            && let Some(need) = types.get(&name)
            && let Some(attrs) = attrs_mut(item)
        {
            push_attr(attrs, need.attr());
        }
    };

    for item in &mut client.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter_mut().flat_map(|(_, items)| items) {
                    gate_type_item(item);
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() && owner_of_impl(i, &names).is_none() => {
                // progenitor's `impl Client`: its operation methods.
                for member in &mut i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && let Some(op) = ops.get(&f.sig.ident.to_string())
                        && f.attrs.iter().all(|a| !a.path().is_ident("cfg"))
                    {
                        push_attr(&mut f.attrs, op_cfg(op));
                    }
                }
            }
            other => gate_type_item(other),
        }
    }
}

/// Gates progenitor's httpmock helpers: each operation's `When` and
/// `Then` with their impls, and its methods of `MockServerExt`.
pub fn gate_mocks(model: &Model, mocks: &mut syn::File) {
    let mut by_name: BTreeMap<String, Need> = BTreeMap::new();
    for op in &model.ops {
        let pascal = pascal(&op.id);
        for name in [
            format!("{pascal}When"),
            format!("{pascal}Then"),
            op.rust.clone(),
        ] {
            by_name.insert(name, need_of(op));
        }
    }
    let gate = |items: &mut Vec<syn::Item>| {
        for item in items {
            let name = match &*item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Impl(i) => last_ident(&i.self_ty),
                _ => None,
            };
            if let Some(need) = name.and_then(|n| by_name.get(&n))
                && let Some(attrs) = attrs_mut(item)
            {
                push_attr(attrs, need.attr());
            }
        }
    };
    for item in &mut mocks.items {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    gate(items);
                }
            }
            syn::Item::Trait(t) => {
                for member in &mut t.items {
                    if let syn::TraitItem::Fn(f) = member
                        && let Some(need) = by_name.get(&f.sig.ident.to_string())
                    {
                        push_attr(&mut f.attrs, need.attr());
                    }
                }
            }
            syn::Item::Impl(i) => {
                for member in &mut i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && let Some(need) = by_name.get(&f.sig.ident.to_string())
                    {
                        push_attr(&mut f.attrs, need.attr());
                    }
                }
            }
            _ => {}
        }
    }
}

fn push_attr(attrs: &mut Vec<syn::Attribute>, cfg: TokenStream) {
    if cfg.is_empty() {
        return;
    }
    let item: syn::ItemStruct = syn::parse_quote!(#cfg struct S;);
    attrs.extend(item.attrs);
}

/// The names defined directly under `types`.
pub(crate) fn type_names(client: &syn::File) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in &client.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
        {
            for item in m.content.iter().flat_map(|(_, items)| items) {
                match item {
                    syn::Item::Struct(s) => names.insert(s.ident.to_string()),
                    syn::Item::Enum(e) => names.insert(e.ident.to_string()),
                    syn::Item::Type(t) => names.insert(t.ident.to_string()),
                    syn::Item::Union(u) => names.insert(u.ident.to_string()),
                    _ => false,
                };
            }
        }
    }
    names
}

/// The type an item defines or implements for, if it is one of `names`.
fn owner(item: &syn::Item, names: &BTreeSet<String>) -> Option<String> {
    let name = match item {
        syn::Item::Struct(s) => s.ident.to_string(),
        syn::Item::Enum(e) => e.ident.to_string(),
        syn::Item::Type(t) => t.ident.to_string(),
        syn::Item::Union(u) => u.ident.to_string(),
        syn::Item::Impl(i) => return owner_of_impl(i, names),
        _ => return None,
    };
    names.contains(&name).then_some(name)
}

/// The type an impl is for or, for a foreign type, the one its trait names
/// (typify's `impl From<RunPhloRequest> for serde_json::Map`).
pub(crate) fn owner_of_impl(i: &syn::ItemImpl, names: &BTreeSet<String>) -> Option<String> {
    last_ident(&i.self_ty)
        .filter(|n| names.contains(n))
        .or_else(|| {
            let (path, _) = i.trait_.as_ref()?;
            let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => last_ident(ty).filter(|n| names.contains(n)),
                _ => None,
            })
        })
}

pub(crate) fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

fn attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Struct(s) => &mut s.attrs,
        syn::Item::Enum(e) => &mut e.attrs,
        syn::Item::Type(t) => &mut t.attrs,
        syn::Item::Union(u) => &mut u.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Fn(f) => &mut f.attrs,
        _ => return None,
    })
}

/// Every identifier in `tokens`.
pub(crate) fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::feature;

    /// Two tags sharing an answer, an untagged operation, and a callback's
    /// event schema no operation's types reach.
    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://example.com/v1"}]
paths:
  /a/{id}:
    get:
      operationId: get_a
      tags: [Alpha Tag]
      parameters:
        - {name: id, in: path, required: true, schema: {$ref: "#/components/schemas/Id"}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/AOnly"}}}}
  /b:
    post:
      operationId: post_b
      tags: [beta]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/BBody"}}}
      callbacks:
        done:
          "{$request.body#/url}":
            post:
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Event"}}}}
              responses: {"200": {description: ok}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Shared"}}}}
  /c:
    get:
      operationId: get_c
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Shared"}}}}
components:
  schemas:
    Address: {type: string, pattern: "^x$", maxLength: 9}
    Id: {type: string, pattern: "^x$", maxLength: 9}
    AuthId: {type: string, pattern: "^x$", maxLength: 9}
    AOnly: {type: object, properties: {inner: {$ref: "#/components/schemas/AInner"}}}
    AInner: {type: object, properties: {n: {type: integer}}}
    BBody: {type: object, properties: {url: {type: string}}}
    Shared: {type: object, properties: {api_id: {type: string}}}
    Event: {type: object, properties: {kind: {$ref: "#/components/schemas/EventKind"}}}
    EventKind: {type: string, enum: [up, down]}
"##;

    fn wanted(features: Option<&[&str]>) -> crate::Wanted {
        crate::Wanted {
            calls: true,
            httpmock: true,
            pattern: false,
            uuid: false,
            features: features.map(|f| f.iter().map(|s| s.to_string()).collect()),
        }
    }

    /// File `name` (`client`) with its per-tag parts appended.
    fn whole(generated: &crate::Generated, at: usize, name: &str) -> String {
        let mut out = generated.files[at].clone().unwrap();
        for (path, text) in &generated.tags {
            let part = path.rsplit('/').next().unwrap();
            if part == format!("{name}.rs") || part.starts_with(&format!("{name}_")) {
                out.push_str(text);
            }
        }
        out
    }

    /// The `#[cfg(..)]` among the attributes right above `at`.
    fn cfg_at(text: &str, at: usize) -> Option<String> {
        crate::test_util::attrs_above(text, at)
            .into_iter()
            .find(|l| l.starts_with("#[cfg("))
            .map(str::to_string)
    }

    /// The types of an every-tag build's client a build of `feature` alone
    /// keeps: those of the shared file its gates let through, and those of
    /// the feature's own files.
    fn types_for(all: &crate::Generated, feature: &str) -> Vec<String> {
        let client = all.files[0].clone().unwrap();
        let mut out: Vec<String> = client
            .match_indices("pub struct ")
            .filter(|(at, _)| {
                cfg_at(&client, *at).is_none_or(|cfg| cfg.contains(&format!("\"{feature}\"")))
            })
            .filter_map(|(at, m)| client[at + m.len()..].split([' ', '(', '{']).next())
            .map(str::to_string)
            .collect();
        for (path, text) in &all.tags {
            if path.starts_with(&format!("tags/{feature}/client")) {
                out.extend(types_of(text).into_iter().map(str::to_string));
            }
        }
        out.sort();
        out
    }

    /// A build of one tag generates exactly the types the every-tag file
    /// gates on for it: the generated and the checked-in one-tag APIs agree.
    fn one_tag_builds_agree_with_the_gates(spec: &str) {
        let model = crate::model::build(spec).unwrap();
        let all = crate::generate(spec, wanted(None)).unwrap();
        let features = super::features(&model).unwrap();
        assert!(features.len() > 1, "{features:?}");
        for (_, feature) in features {
            let upper = feature.to_uppercase().replace('-', "_");
            let one = crate::generate(spec, wanted(Some(&[upper.as_str()]))).unwrap();
            let one = whole(&one, 0, "client");
            assert_eq!(
                types_of(&one),
                types_for(&all, &feature),
                "feature {feature}"
            );
        }
    }

    #[test]
    fn a_one_tag_build_has_the_types_its_gates_give_it() {
        one_tag_builds_agree_with_the_gates(SPEC);
        one_tag_builds_agree_with_the_gates(&grown());
        // The crate's own spec: answers shared by tags, typify's newtypes.
        let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/phlo.yaml");
        one_tag_builds_agree_with_the_gates(&std::fs::read_to_string(shipped).unwrap());
    }

    fn types_of(client: &str) -> Vec<&str> {
        let mut out: Vec<&str> = client
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub struct "))
            .filter_map(|l| l.split([' ', '(', '{']).next())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn each_type_is_gated_by_the_tags_of_the_operations_that_reach_it() {
        let generated = crate::generate(SPEC, wanted(None)).unwrap();
        // What one tag needs is in its own files; the test reads them with the rest.
        let (client, table) = (
            whole(&generated, 0, "client"),
            whole(&generated, 1, "spec_table"),
        );
        // What one tag needs is in its own files; the test reads them with the rest.
        let parts: String = generated
            .tags
            .iter()
            .map(|(_, text)| text.as_str())
            .collect();
        let client = format!("{client}{parts}");
        let table = format!("{table}{parts}");
        let gate = |item: &str| {
            let at = client
                .find(item)
                .unwrap_or_else(|| panic!("{item} not generated"));
            let before = &client[..at];
            // From the item before it (or the start of `types`).
            let start = [
                before.rfind("\n    }\n"),
                before.rfind("\n}\n"),
                before.rfind("pub mod types {"),
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0);
            let attrs = &before[start..];
            attrs
                .lines()
                .find(|l| l.contains("#[cfg("))
                .map(str::trim)
                .map(str::to_string)
        };
        assert_eq!(
            gate("pub struct AOnly").as_deref(),
            Some("#[cfg(any(feature = \"alpha-tag\"))]")
        );
        // Reached through AOnly alone.
        assert_eq!(
            gate("pub struct AInner").as_deref(),
            Some("#[cfg(any(feature = \"alpha-tag\"))]")
        );
        assert_eq!(
            gate("pub struct BBody").as_deref(),
            Some("#[cfg(any(feature = \"beta\"))]")
        );
        // The untagged get_c reaches it: every build.
        assert_eq!(gate("pub struct Shared"), None);
        // No operation's types reach the callback's event: every build.
        assert_eq!(gate("pub struct Event"), None);
        assert!(
            table.starts_with(
                "// tag \"Alpha Tag\": feature alpha-tag\n// tag \"beta\": feature beta\n"
            ),
            "{table}"
        );
        assert!(table.contains("#[cfg(any(feature = \"beta\"))]\n/// `POST /b`.\npub(crate) const OP_POST_B: Operation = Operation {\n    id: \"post_b\""), "{table}");
        assert!(
            table.contains("#[cfg(any(feature = \"beta\"))]\n    OP_POST_B,\n    OP_GET_C,\n"),
            "{table}"
        );
        // Each tag's part in a file of its own, included behind its feature.
        let paths: Vec<&str> = generated.tags.iter().map(|(p, _)| p.as_str()).collect();
        assert!(
            paths.contains(&"tags/beta/client_types.rs")
                && paths.contains(&"tags/alpha-tag/spec_table.rs"),
            "{paths:?}"
        );
        assert!(client.contains("#[cfg(feature = \"beta\")]\n    include!(concat!(env!(\"OUT_DIR\"), \"/tags/beta/client_types.rs\"));"), "{client}");
    }

    #[test]
    fn a_build_generates_only_the_operations_of_its_tags_and_what_they_reach() {
        let generated = crate::generate(SPEC, wanted(Some(&["BETA", "RUSTLS"]))).unwrap();
        let (client, table) = (
            whole(&generated, 0, "client"),
            whole(&generated, 1, "spec_table"),
        );
        let (calls, mocks) = (
            whole(&generated, 2, "calls"),
            whole(&generated, 3, "httpmock"),
        );
        assert_eq!(
            types_of(&client),
            ["BBody", "Client", "ConversionError", "Event", "Shared"]
        );
        for (op, there) in [("get_a", false), ("post_b", true), ("get_c", true)] {
            assert_eq!(
                client.contains(&format!("fn {op}(")),
                there,
                "{op}: {client}"
            );
        }
        assert!(
            !table.contains("\"get_a\"")
                && table.contains("\"post_b\"")
                && table.contains("\"get_c\"")
        );
        // Every tag's feature is still listed, for the build's check.
        assert!(
            table.contains("// tag \"Alpha Tag\": feature alpha-tag\n"),
            "{table}"
        );
        assert!(!calls.contains("GetA") && calls.contains("PostB"));
        assert!(!mocks.contains("GetAWhen") && mocks.contains("PostBWhen"));
    }

    /// SPEC, where get_a answers through a component response and reaches
    /// the callback's Event too, and get_d is under both tags.
    fn grown() -> String {
        SPEC
        .replace(
            r##""200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/AOnly"}}}}"##,
            r##""200": {$ref: "#/components/responses/AResp"}"##,
        )
        .replace(
            "AOnly: {type: object, properties: {inner: {$ref: \"#/components/schemas/AInner\"}}}",
            "AOnly: {type: object, properties: {inner: {$ref: \"#/components/schemas/AInner\"}, last: {$ref: \"#/components/schemas/Event\"}}}\n    DOnly: {type: object, properties: {d: {type: integer}}}",
        )
        .replace(
            "components:\n  schemas:",
            "components:\n  responses:\n    AResp: {description: ok, content: {application/json: {schema: {$ref: \"#/components/schemas/AOnly\"}}}}\n  schemas:",
        )
        .replace(
            "  /c:\n",
            "  /d:\n    get:\n      operationId: get_d\n      tags: [beta, Alpha Tag]\n      responses:\n        \"200\": {description: ok, content: {application/json: {schema: {$ref: \"#/components/schemas/DOnly\"}}}}\n  /c:\n",
        )
    }

    #[test]
    fn callbacks_and_shared_components_follow_the_build() {
        let spec = grown();
        assert!(spec.contains("AResp: {") && spec.contains("last:") && spec.contains("/d:"));
        let generated = crate::generate(&spec, wanted(Some(&["BETA"]))).unwrap();
        let client = whole(&generated, 0, "client");
        // AResp's schemas only get_a reaches: gone; the callback's Event stays.
        assert_eq!(
            types_of(&client),
            [
                "BBody",
                "Client",
                "ConversionError",
                "DOnly",
                "Event",
                "Shared"
            ]
        );
        assert!(client.contains("fn get_d("), "{client}");
        let generated = crate::generate(&spec, wanted(Some(&["ALPHA_TAG"]))).unwrap();
        let client = whole(&generated, 0, "client");
        assert_eq!(
            types_of(&client),
            [
                "AInner",
                "AOnly",
                "Client",
                "ConversionError",
                "DOnly",
                "Event",
                "Shared"
            ]
        );
        // Every tag: Event in every build (the receiver's), though get_a
        // reaches it; DOnly in a build of either tag.
        let generated = crate::generate(&spec, wanted(None)).unwrap();
        let client = whole(&generated, 0, "client");
        let cfg_before = |item: &str| {
            let at = client.find(item).unwrap_or_else(|| panic!("{item}"));
            cfg_at(&client, at)
        };
        assert_eq!(cfg_before("pub struct Event "), None);
        assert_eq!(
            cfg_before("pub struct DOnly ").as_deref(),
            Some("#[cfg(any(feature = \"alpha-tag\", feature = \"beta\"))]")
        );
    }

    #[test]
    fn a_tag_without_a_letter_or_digit_is_refused_by_name() {
        let spec = SPEC.replace("tags: [beta]", "tags: [\"--\"]");
        let err = crate::generate(&spec, wanted(None))
            .map(|_| ())
            .unwrap_err();
        assert!(
            err.starts_with("operation post_b: its tag \"--\" makes no Cargo feature name"),
            "{err}"
        );
    }

    #[test]
    fn a_tag_becomes_its_letters_and_digits_joined_by_dashes() {
        assert_eq!(
            feature("multi_party_call").as_deref(),
            Some("multi-party-call")
        );
        assert_eq!(
            feature("Multi-Party Call").as_deref(),
            Some("multi-party-call")
        );
        assert_eq!(feature("  fuzz 7  ").as_deref(), Some("fuzz-7"));
        assert_eq!(feature("phlo").as_deref(), Some("phlo"));
        assert_eq!(feature("__").as_deref(), None);
        assert_eq!(feature("").as_deref(), None);
    }
}
