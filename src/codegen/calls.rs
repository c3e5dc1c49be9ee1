//! The mock's `Call` enum, generated for every operation: one variant per
//! operation, path values as sent, the body decoded into its generated type,
//! and `Call::decode`, which refuses what Plivo would refuse.

use quote::{format_ident, quote};

use super::{
    guarded::{Op, Shape, pascal},
    table::Table,
};

/// The mock's `Call` enum: one variant per operation, path values as sent,
/// the body decoded into its generated type.
pub fn calls(ops: &[Op], table: &Table) -> syn::File {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut ids = Vec::new();
    for op in ops {
        let spec_op = &table.ops[op.index];
        let variant = format_ident!("{}", pascal(&op.id));
        let doc = format!(
            " `{} {}`: {}.",
            spec_op.method,
            spec_op.path,
            spec_op.summary.trim_end_matches('.')
        );
        let index = op.index;
        let mut fields = Vec::new();
        let mut values = Vec::new();
        for arg in &op.args {
            let (ident, api) = (&arg.ident, &arg.api_name);
            if api == "body" {
                let Shape::Ref(t) = &arg.shape else { continue };
                fields.push(quote!(#[doc = " The decoded body."] #ident: #t));
                values.push(quote!(#ident: crate::mock::body::<#t>(op, body)?));
                continue;
            }
            let text = spec_op
                .params
                .iter()
                .find(|p| &p.name == api)
                .map(|p| format!(" {} (as sent)", p.description.trim_end()))
                .unwrap_or_default();
            match &arg.shape {
                Shape::Ref(t) | Shape::Value(t) => {
                    fields.push(quote!(#[doc = #text] #ident: ::std::string::String));
                    values.push(quote!(#ident: crate::mock::value::<#t>(op, params, #api)?));
                }
                Shape::OptionRef(t) | Shape::OptionValue(t) => {
                    fields.push(
                        quote!(#[doc = #text] #ident: ::std::option::Option<::std::string::String>),
                    );
                    values.push(quote!(#ident: crate::mock::optional::<#t>(op, params, #api)?));
                }
            }
        }
        variants.push(quote!(#[doc = #doc] #variant { #(#fields),* }));
        let id = &op.id;
        arms.push(quote! {
            #id => {
                let op = &crate::spec::OPERATIONS[#index];
                Ok(Call::#variant { #(#values),* })
            }
        });
        ids.push(quote!(Call::#variant { .. } => ::std::option::Option::Some(#id)));
    }
    syn::parse_quote! {
        use super::types;

        /// A request [`MockPhlo`](crate::mock::MockPhlo) received, decoded into the
        /// generated types: one variant per operation in `spec/phlo.yaml` (path
        /// values as sent, the body typed), plus routes added with
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
            pub(crate) fn decode(
                operation_id: &str,
                params: &[(&str, &str)],
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<Call, crate::mock::Refusal> {
                let _ = (params, &body);
                match operation_id {
                    #(#arms)*
                    other => Err(crate::mock::Refusal::no_route(other)),
                }
            }
        }
    }
}
