//! The model's types as Rust: the owned type of a value, how an argument
//! is passed, and the generated checks of the spec's rules.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{DATE, DATE_TIME, IntFormat, Model, Named, Param, Rules, Ty};

/// The owned Rust type of a value of `ty`.
pub fn owned(ty: &Ty) -> TokenStream {
    match ty {
        Ty::Named(n) => named_path(n),
        Ty::String(_) => quote!(::std::string::String),
        Ty::Integer(f, _) => int(*f),
        Ty::Number(_) => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Uuid => quote!(::uuid::Uuid),
        Ty::Array(item, _) => {
            let item = owned(item);
            quote!(::std::vec::Vec<#item>)
        }
        Ty::Map(item) => {
            let item = owned(item);
            quote!(::std::collections::HashMap<::std::string::String, #item>)
        }
        Ty::Any => quote!(::serde_json::Value),
        Ty::Nullable(t) => {
            let t = owned(t);
            quote!(::std::option::Option<#t>)
        }
    }
}

pub fn named_path(name: &str) -> TokenStream {
    match name {
        "Address" => quote!(crate::rt::Address),
        "Id" => quote!(crate::rt::Id),
        "AuthId" => quote!(crate::rt::AuthId),
        DATE_TIME => quote!(crate::rt::DateTime),
        DATE => quote!(crate::rt::Date),
        other => {
            let ident = format_ident!("{}", other);
            quote!(types::#ident)
        }
    }
}

fn int(f: IntFormat) -> TokenStream {
    match f {
        IntFormat::I32 => quote!(i32),
        IntFormat::I64 => quote!(i64),
        IntFormat::U32 => quote!(u32),
        IntFormat::U64 => quote!(u64),
    }
}

/// Whether a value of `ty` is passed by value (numbers and booleans).
pub fn by_value(ty: &Ty) -> bool {
    matches!(ty, Ty::Integer(..) | Ty::Number(_) | Ty::Boolean)
}

/// The argument type of a parameter (`&str`, `Option<u32>`, `&[String]`).
pub fn arg_type(p: &Param) -> TokenStream {
    let borrowed = match &p.ty {
        t if by_value(t) => owned(t),
        Ty::String(_) => quote!(&str),
        Ty::Array(item, _) => {
            let item = owned(item);
            quote!(&[#item])
        }
        t => {
            let t = owned(t);
            quote!(&#t)
        }
    };
    if p.required {
        borrowed
    } else {
        quote!(::std::option::Option<#borrowed>)
    }
}

/// An owned local `name` (of `Option<T>` when the parameter is optional,
/// `Vec<T>` for an array) passed as the parameter's argument.
pub fn pass(p: &Param, name: &TokenStream) -> TokenStream {
    let deref = matches!(p.ty, Ty::String(_) | Ty::Array(..));
    match (p.required, by_value(&p.ty)) {
        (_, true) => quote!(#name),
        (true, false) => quote!(&#name),
        (false, false) if deref => quote!(#name.as_deref()),
        (false, false) => quote!(#name.as_ref()),
    }
}

/// Whether values of the named schema have rules to check.
pub fn needs_check(model: &Model, name: &str) -> bool {
    fn go(model: &Model, name: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match model.named(name) {
            Some(Named::Object { props, .. }) => {
                props.iter().any(|p| ty_needs(model, &p.ty, depth + 1))
            }
            Some(Named::Enum(e)) => e.in_response && e.in_request,
            Some(Named::Alias(t)) if newtype_rules(t) => ty_needs(model, t, depth + 1),
            Some(Named::Alias(Ty::String(r))) => r.format.is_some(),
            _ => false,
        }
    }
    fn ty_needs(model: &Model, ty: &Ty, depth: usize) -> bool {
        match ty {
            Ty::Named(n) => go(model, n, depth),
            Ty::Integer(_, r) | Ty::Number(r) => num_rules(r),
            Ty::String(r) => {
                r.pattern.is_some()
                    || r.min_length.is_some()
                    || r.max_length.is_some()
                    || r.format.is_some()
            }
            Ty::Array(item, r) => {
                r.min_items.is_some() || r.max_items.is_some() || ty_needs(model, item, depth)
            }
            Ty::Map(item) | Ty::Nullable(item) => ty_needs(model, item, depth),
            _ => false,
        }
    }
    go(model, name, 0)
}

/// Whether a named alias of `ty` is one of typify's open newtypes
/// (`pub struct PageSize(pub i64)`), whose rules typify does not check:
/// numbers, booleans, arrays and maps. A constrained string is typify's
/// checked newtype instead, made only through its `FromStr`.
fn newtype_rules(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Integer(..) | Ty::Number(_) | Ty::Array(..) | Ty::Map(_)
    )
}

/// The aliased type of a named open newtype (see [`newtype_rules`]).
fn open_newtype<'m>(model: &'m Model, name: &str) -> Option<&'m Ty> {
    match model.named(name) {
        Some(Named::Alias(t)) if newtype_rules(t) => Some(t),
        _ => None,
    }
}

fn num_rules(r: &Rules) -> bool {
    r.minimum.is_some() || r.maximum.is_some() || r.multiple_of.is_some() || !r.values.is_empty()
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// The check of the value `v` (an expression of type `&T`, `&str` or
/// `&[T]`) against the rules of `ty`, for the field `field`.
pub fn check_value(model: &Model, field: &str, ty: &Ty, v: &TokenStream) -> TokenStream {
    match ty {
        Ty::Integer(_, r) | Ty::Number(r) if num_rules(r) => {
            // Only the rules the spec states; the rest from `Bounds::NONE`.
            let mut fields = Vec::new();
            if let Some(v) = r.minimum {
                fields.push(quote!(minimum: ::std::option::Option::Some(#v)));
            }
            if let Some(v) = r.maximum {
                fields.push(quote!(maximum: ::std::option::Option::Some(#v)));
            }
            if r.exclusive_minimum {
                fields.push(quote!(exclusive_minimum: true));
            }
            if r.exclusive_maximum {
                fields.push(quote!(exclusive_maximum: true));
            }
            if let Some(v) = r.multiple_of {
                fields.push(quote!(multiple_of: ::std::option::Option::Some(#v)));
            }
            if !r.values.is_empty() {
                let values = &r.values;
                fields.push(quote!(values: &[#(#values),*]));
            }
            quote! {
                crate::rt::number(#field, *#v, crate::rt::Bounds {
                    #(#fields,)* ..crate::rt::Bounds::NONE
                })?;
            }
        }
        Ty::String(r) => {
            let mut out = TokenStream::new();
            if r.min_length.is_some() || r.max_length.is_some() {
                let (min, max) = (opt_u64(r.min_length), opt_u64(r.max_length));
                out.extend(quote!(crate::rt::length(#field, #v, #min, #max)?;));
            }
            if let Some(format) = &r.format {
                out.extend(format_check(field, format, v));
            }
            if let Some(pattern) = &r.pattern {
                out.extend(quote! {{
                    static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
                        ::std::sync::LazyLock::new(|| ::regress::Regex::new(#pattern).expect("the build checked the pattern"));
                    crate::rt::pattern(#field, #v, &PATTERN, #pattern)?;
                }});
            }
            out
        }
        Ty::Array(item, r) => {
            let mut out = TokenStream::new();
            if r.min_items.is_some() || r.max_items.is_some() {
                let (min, max) = (opt_u64(r.min_items), opt_u64(r.max_items));
                out.extend(quote!(crate::rt::items(#field, (#v).len(), #min, #max)?;));
            }
            let inner = check_value(model, field, item, &quote!(__item));
            if !inner.is_empty() {
                out.extend(quote!(for __item in (#v).iter() { #inner }));
            }
            out
        }
        Ty::Map(item) => {
            let inner = check_value(model, field, item, &quote!(__item));
            if inner.is_empty() {
                inner
            } else {
                quote!(for __item in (#v).values() { #inner })
            }
        }
        // `null` breaks no rule; a value is checked.
        Ty::Nullable(inner) => {
            let check = check_value(model, field, inner, &quote!(__present));
            if check.is_empty() {
                check
            } else {
                quote!(if let ::std::option::Option::Some(__present) = ::std::option::Option::as_ref(#v) { #check })
            }
        }
        // A named number, array or map: its rules, on the value inside,
        // under the field's own name.
        Ty::Named(n) if open_newtype(model, n).is_some() => {
            let inner = open_newtype(model, n).expect("matched");
            check_value(model, field, inner, &quote!(&(#v).0))
        }
        // A named string with a format (typify checks its pattern and
        // lengths when it is made; not a format): the text inside.
        Ty::Named(n) if matches!(model.named(n), Some(Named::Alias(Ty::String(r))) if r.format.is_some()) =>
        {
            let Some(Named::Alias(Ty::String(r))) = model.named(n) else {
                unreachable!("matched")
            };
            format_check(
                field,
                r.format.as_deref().unwrap_or_default(),
                &quote!(&**#v),
            )
        }
        // A nested schema's violation says where it sits.
        Ty::Named(n) if needs_check(model, n) => {
            quote!(crate::rt::Check::check(#v).map_err(|v| v.inside(#field))?;)
        }
        _ => TokenStream::new(),
    }
}

fn format_check(field: &str, format: &str, v: &TokenStream) -> TokenStream {
    let format = match format {
        "uri" => quote!(Uri),
        _ => quote!(Email),
    };
    quote!(crate::rt::format(#field, #v, crate::rt::Format::#format)?;)
}

/// Whether a pattern compiles in regress (what the generated checks use).
pub fn check_pattern(at: &str, pattern: &str) -> Result<(), String> {
    regress::Regex::new(pattern).map(|_| ()).map_err(|e| {
        format!("{at}: pattern {pattern:?} is not a valid ECMAScript regular expression: {e}")
    })
}
