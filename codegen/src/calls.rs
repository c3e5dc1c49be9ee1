//! The mock's `Call` enum, generated from the spec model: one variant per
//! operation, path and query values as sent, the body decoded into its
//! type, and `Call::decode`, which refuses what Plivo would refuse (values
//! that do not parse, and the spec's rules, through the same `checks` the
//! guarded layer runs).

use quote::{format_ident, quote};

use super::{
    model::{Model, Ty},
    names::pascal,
    rust::{owned, pass},
};

pub fn calls(model: &Model) -> syn::File {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut ids = Vec::new();
    for op in &model.ops {
        let cfg = super::tags::op_cfg(op);
        let variant = format_ident!("{}", pascal(&op.id));
        let doc = format!(
            " `{} {}`: {}.",
            op.method,
            op.path,
            op.summary.trim_end_matches('.')
        );
        let id = &op.id;
        let check = format_ident!("{}", op.rust);
        let mut fields = Vec::new();
        let mut parse = Vec::new();
        let mut values = Vec::new();
        let mut passed = Vec::new();
        for p in &op.params {
            let ident = format_ident!("{}", p.rust);
            let parsed = format_ident!("__{}", p.rust);
            let wire = &p.wire;
            let text = format!(" {} (as sent)", p.description.trim_end());
            let (field_ty, parser, sent, given) = match (&p.ty, p.required) {
                (Ty::Array(item, _), required) => {
                    let item = owned(item);
                    let given = if required {
                        quote!(&#parsed)
                    } else {
                        quote!((!#parsed.is_empty()).then_some(#parsed.as_slice()))
                    };
                    (
                        quote!(::std::vec::Vec<::std::string::String>),
                        quote!(crate::rt::mock::Refusal::many::<#item>(op, params, #wire)?),
                        quote!(crate::rt::mock::sent_all(params, #wire)),
                        given,
                    )
                }
                (ty, true) => {
                    let t = owned(ty);
                    (
                        quote!(::std::string::String),
                        quote!(crate::rt::mock::Refusal::value::<#t>(op, params, #wire)?),
                        quote!(crate::rt::mock::sent(params, #wire).unwrap_or_default()),
                        pass(p, &quote!(#parsed)),
                    )
                }
                (ty, false) => {
                    let t = owned(ty);
                    (
                        quote!(::std::option::Option<::std::string::String>),
                        quote!(crate::rt::mock::Refusal::optional::<#t>(op, params, #wire)?),
                        quote!(crate::rt::mock::sent(params, #wire)),
                        pass(p, &quote!(#parsed)),
                    )
                }
            };
            fields.push(quote!(#[doc = #text] #ident: #field_ty));
            parse.push(quote!(let #parsed = #parser; let #ident = #sent;));
            values.push(quote!(#ident));
            passed.push(given);
        }
        if let Some(b) = &op.body {
            let t = owned(&b.ty);
            if b.required {
                fields.push(quote!(#[doc = " The decoded body."] body: #t));
                parse.push(quote! {
                    let body = crate::rt::mock::Refusal::body::<#t>(op, body)?
                        .expect("ByName::body refuses a missing required body");
                });
                passed.push(quote!(&body));
            } else {
                fields.push(quote!(#[doc = " The decoded body (`None`: none was sent)."] body: ::std::option::Option<#t>));
                parse.push(quote!(let body = crate::rt::mock::Refusal::body::<#t>(op, body)?;));
                passed.push(quote!(body.as_ref()));
            }
            values.push(quote!(body));
        }
        variants.push(quote!(#cfg #[doc = #doc] #variant { #(#fields),* }));
        let rules = super::guarded::has_rules(model, op)
            .then(|| quote!(super::checks::#check(#(#passed),*).map_err(crate::rt::mock::rule)?;));
        arms.push(quote! {
            #cfg
            #id => {
                let op = &crate::rt::OPERATIONS[const { crate::rt::index_of(#id) }];
                #(#parse)*
                #rules
                Ok(Call::#variant { #(#values),* })
            }
        });
        ids.push(quote!(#cfg Call::#variant { .. } => ::std::option::Option::Some(#id)));
    }
    syn::parse_quote! {
        use super::types;

        /// A request [`MockPhlo`](crate::mock::MockPhlo) received, decoded into the
        /// generated types: one variant per operation in `spec/phlo.yaml` (path
        /// and query values as sent, the body typed), plus routes added with
        /// [`MockPhlo::on`](crate::mock::MockPhlo::on) and refused requests.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Call {
            #(#variants,)*
            /// A request to a route added with [`MockPhlo::on`](crate::mock::MockPhlo::on).
            Custom {
                /// The HTTP method.
                method: ::std::string::String,
                /// The route's path template, e.g. `/phlo/{phlo_id}/notes`.
                template: ::std::string::String,
                /// Path values by name, as sent.
                params: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                /// The JSON body (`null` for none).
                body: ::serde_json::Value,
            },
            /// A request the mock refused (bad route, credentials or body);
            /// [`Recorded::status`](crate::mock::Recorded::status) says how it answered.
            Rejected {
                /// Why, as the mock told the client.
                reason: ::std::string::String,
            },
        }

        impl Call {
            /// The operationId of the spec operation this request was routed
            /// to; `None` for custom routes and refused requests.
            pub fn operation_id(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(#ids,)*
                    _ => ::std::option::Option::None,
                }
            }

            /// Decodes a routed request, refusing what Plivo would refuse.
            #[allow(unused_variables)]
            pub(crate) fn decode(
                operation_id: &str,
                params: &[(&str, &str)],
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<Call, crate::rt::mock::Refusal> {
                use crate::rt::ByName as _;
                match operation_id {
                    #(#arms)*
                    other => Err(crate::rt::mock::Refusal::no_route(other)),
                }
            }
        }
    }
}
