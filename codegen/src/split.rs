//! One file per tag: every item only one tag needs moves out of its
//! generated file into `tags/<feature>/<part>.rs`, which the file includes
//! behind `#[cfg(feature = "<feature>")]`. A build without the tag never
//! reads it (a `#[cfg]` on `include!` is decided before the file is opened).
//!
//! Items move from the file's top level and from its inline modules
//! (`types`, `checks`, the mock's `operations`); an inherent `impl` block
//! first gives its one-tag methods an `impl` block of their own per tag.
//! What stays is what several tags share, or what cannot be split
//! (an enum's variants, a `match`'s arms, a trait's methods): gated, in place.

use std::collections::BTreeMap;

/// Splits `file`, named `name` (`client`); the per-tag files, by path.
pub fn split(file: &mut syn::File, name: &str) -> BTreeMap<String, syn::File> {
    let mut out = BTreeMap::new();
    take(&mut file.items, name, &mut out);
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item
            && let Some((_, items)) = &mut m.content
        {
            let part = format!("{name}_{}", m.ident);
            take(items, &part, &mut out);
        }
    }
    out
}

/// The feature of an item's gate, when it names exactly one.
fn single(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("cfg") {
            return None;
        }
        let text = a
            .meta
            .require_list()
            .ok()?
            .tokens
            .to_string()
            .replace(' ', "");
        let feature = text.strip_prefix("any(feature=\"")?.strip_suffix("\")")?;
        (!feature.contains('"')).then(|| feature.to_string())
    })
}

fn attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Struct(s) => &s.attrs,
        syn::Item::Enum(e) => &e.attrs,
        syn::Item::Type(t) => &t.attrs,
        syn::Item::Union(u) => &u.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Const(c) => &c.attrs,
        syn::Item::Static(s) => &s.attrs,
        _ => &[],
    }
}

/// An inherent `impl` with one-tag methods: those methods in an `impl`
/// of their own, one per tag, gated like them.
fn hoist_methods(items: &mut Vec<syn::Item>) {
    let mut hoisted = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Impl(i) = item else { continue };
        if i.trait_.is_some() || single(&i.attrs).is_some() {
            continue;
        }
        let mut by_tag: BTreeMap<String, Vec<syn::ImplItem>> = BTreeMap::new();
        let all = std::mem::take(&mut i.items);
        for member in all {
            match &member {
                syn::ImplItem::Fn(f) => match single(&f.attrs) {
                    Some(tag) => by_tag.entry(tag).or_default().push(member),
                    None => i.items.push(member),
                },
                _ => i.items.push(member),
            }
        }
        for (tag, members) in by_tag {
            let mut one = i.clone();
            one.items = members;
            one.attrs
                .push(syn::parse_quote!(#[cfg(any(feature = #tag))]));
            hoisted.push(syn::Item::Impl(one));
        }
    }
    // An impl left with nothing was only its tags' methods.
    items.retain(
        |item| !matches!(item, syn::Item::Impl(i) if i.items.is_empty() && i.trait_.is_none()),
    );
    items.extend(hoisted);
}

/// Moves `items`' one-tag items to `tags/<feature>/<part>.rs`, leaving an
/// `include!` of each behind its feature.
fn take(items: &mut Vec<syn::Item>, part: &str, out: &mut BTreeMap<String, syn::File>) {
    hoist_methods(items);
    let mut moved: BTreeMap<String, Vec<syn::Item>> = BTreeMap::new();
    for item in std::mem::take(items) {
        match single(attrs(&item)) {
            Some(feature) => moved.entry(feature).or_default().push(item),
            None => items.push(item),
        }
    }
    for (feature, group) in moved {
        let path = format!("tags/{feature}/{part}.rs");
        let at = format!("/{path}");
        items.push(syn::parse_quote! {
            #[cfg(feature = #feature)]
            include!(concat!(env!("OUT_DIR"), #at));
        });
        let mut file: syn::File = syn::parse_quote!();
        file.items = group;
        out.insert(path, file);
    }
}
