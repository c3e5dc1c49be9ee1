//! The spec's string enums, generated here rather than by typify (which
//! cannot name values such as `#` or `*`): each value's wire text kept
//! exactly, `x-enum-varnames` honoured, and an enum that answers carry an
//! `Other(String)` variant, so a value Plivo adds later decodes and
//! serialises back unchanged. An enum only requests carry stays strict.
//! Also each schema's `Check` impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{
    model::{EnumDef, Model, Named},
    rust,
};

pub fn enum_items(model: &Model) -> Vec<syn::Item> {
    let mut items = Vec::new();
    for (name, named) in &model.schemas {
        if let Named::Enum(e) = named {
            items.extend(one(name, e));
        }
    }
    items
}

fn one(name: &str, e: &EnumDef) -> Vec<syn::Item> {
    let ty = format_ident!("{}", name);
    let open = e.in_response;
    let variants: Vec<_> = e.variants.iter().map(|v| format_ident!("{}", v)).collect();
    let values = &e.values;
    let docs: Vec<String> = values.iter().map(|v| format!(" `{v:?}`")).collect();
    let doc = if e.description.is_empty() {
        format!(" `{name}`: one of {values:?}.")
    } else {
        format!(" {}", e.description.trim())
    };
    let compat = if open {
        " A value this version of the crate does not know (Plivo added it later) decodes as `Other` and is sent back unchanged; a request refuses it before any I/O."
    } else {
        " Only these values are accepted."
    };
    let (other_variant, other_str, other_parse, derive_copy) = if open {
        (
            quote! {
                /// A value the spec does not list, as received.
                Other(::std::string::String),
            },
            quote!(Self::Other(v) => v.as_str(),),
            quote!(other => Ok(Self::Other(other.to_string())),),
            quote!(),
        )
    } else {
        (
            quote!(),
            quote!(),
            quote! {
                other => Err(crate::rt::InvalidValue::new(#name, other, &[#(#values),*])),
            },
            quote!(Copy,),
        )
    };
    let default = e.default.as_ref().and_then(|d| {
        let at = values.iter().position(|v| v == d)?;
        let v = &variants[at];
        Some(quote! {
            impl ::std::default::Default for #ty {
                /// The spec's default. A request leaves the field out unless it
                /// is set, so the server's own default applies.
                fn default() -> Self { Self::#v }
            }
        })
    });
    let schema_values = if open {
        quote!(
            ::schemars::json_schema!({ "type": "string", "description": concat!(#doc, " Known values: ", #(#values, " "),*) })
        )
    } else {
        quote!(
            ::schemars::json_schema!({ "type": "string", "description": #doc, "enum": [#(#values),*] })
        )
    };
    let out: TokenStream = quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #compat]
        #[derive(Clone, #derive_copy Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[non_exhaustive]
        pub enum #ty {
            #(#[doc = #docs] #variants,)*
            #other_variant
        }

        impl #ty {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    #other_str
                }
            }
        }

        impl ::std::fmt::Display for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #ty {
            type Err = crate::rt::InvalidValue;
            fn from_str(value: &str) -> ::std::result::Result<Self, crate::rt::InvalidValue> {
                match value {
                    #(#values => Ok(Self::#variants),)*
                    #other_parse
                }
            }
        }

        impl ::std::convert::TryFrom<&str> for #ty {
            type Error = crate::rt::InvalidValue;
            fn try_from(value: &str) -> ::std::result::Result<Self, crate::rt::InvalidValue> {
                value.parse()
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for #ty {
            type Error = crate::rt::InvalidValue;
            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, crate::rt::InvalidValue> {
                value.parse()
            }
        }

        impl ::serde::Serialize for #ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }

        impl ::schemars::JsonSchema for #ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                #schema_values
            }
        }

        impl crate::rt::QueryText for #ty {
            fn query_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }

        #default
    };
    syn::parse2::<syn::File>(out)
        .expect("the enum items parse")
        .items
}

/// `impl Check` for every schema with a rule somewhere inside.
pub fn check_impls(model: &Model, shapes: &super::passes::Shapes) -> Vec<syn::Item> {
    let mut items = Vec::new();
    for (name, named) in &model.schemas {
        if !rust::needs_check(model, name) {
            continue;
        }
        let ty = rust::named_path(name);
        let body = match named {
            Named::Object { props, .. } => {
                let mut checks = TokenStream::new();
                for p in props {
                    let field = format_ident!("{}", p.rust);
                    // The field's shape says whether it is an `Option`
                    // (optional, or nullable): a value is checked.
                    let check = rust::check_value(model, &p.wire, p.ty.plain(), &quote!(__v));
                    if check.is_empty() {
                        continue;
                    }
                    let shape = shapes
                        .get(&(name.clone(), p.wire.clone()))
                        .copied()
                        .unwrap_or(super::passes::Shape::Plain);
                    let access = match shape {
                        super::passes::Shape::Option => quote! {
                            if let ::std::option::Option::Some(__v) = &self.#field { #check }
                        },
                        super::passes::Shape::Collection if !p.required => quote! {
                            if !self.#field.is_empty() { let __v = &self.#field; #check }
                        },
                        _ => quote! {{ let __v = &self.#field; #check }},
                    };
                    checks.extend(access);
                }
                checks
            }
            Named::Enum(e) => {
                let values = &e.values;
                quote! {
                    if let Self::Other(v) = self {
                        return Err(crate::rt::unknown(#name, v, &[#(#values),*]));
                    }
                }
            }
            _ => continue,
        };
        items.push(syn::parse_quote! {
            impl crate::rt::Check for #ty {
                fn check(&self) -> ::std::result::Result<(), crate::rt::Violation> {
                    #body
                    Ok(())
                }
            }
        });
    }
    items
}

/// `QueryText` for typify's constrained-string newtypes (a parameter with
/// a `pattern` or a length), which deref to their `String`.
pub fn text_impls(model: &Model) -> Vec<syn::Item> {
    model
        .schemas
        .iter()
        .filter(|(_, named)| matches!(named, Named::Alias(super::model::Ty::String(_))))
        .map(|(name, _)| {
            let ty = rust::named_path(name);
            syn::parse_quote! {
                impl crate::rt::QueryText for #ty {
                    fn query_text(&self) -> ::std::borrow::Cow<'_, str> {
                        ::std::borrow::Cow::Borrowed(self.as_str())
                    }
                }
            }
        })
        .collect()
}
