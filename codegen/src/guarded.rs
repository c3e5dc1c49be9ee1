//! The guarded operation layer (`client.operations()`), generated from the
//! spec model for every operation: the request built from the operation's
//! server, path template, query and JSON body, every rule of the spec
//! checked first (`mod checks`, which the mock shares), then
//! `crate::rt::run`, the crate's one pipeline. Nothing here reads
//! progenitor's methods; only typify's types are used.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{
    model::{Location, Model, Named, Op, Param, Segment, Ty},
    rust::{self, arg_type, owned, pass},
};

/// `impl Operations { .. }` and `mod checks { .. }`.
pub fn items(model: &Model) -> Vec<syn::Item> {
    let mut methods = Vec::new();
    let mut checks = Vec::new();
    let mut arms = Vec::new();
    for op in &model.ops {
        let name = format_ident!("{}", op.rust);
        let build = format_ident!("request_{}", op.rust);
        let id = &op.id;
        let output = output(op);
        let (params, names) = signature(op);
        let docs = docs(model, op);
        let url = url(model, op);
        let query = query(op);
        let method = format_ident!("{}", op.method);
        // An optional body that is not given sends nothing: no body, no
        // `content-type`.
        let body = op.body.as_ref().map(|b| {
            if b.required {
                quote!(let __request = __request.json(body);)
            } else {
                quote! {
                    let __request = match body {
                        ::std::option::Option::Some(body) => __request.json(body),
                        ::std::option::Option::None => __request,
                    };
                }
            }
        });
        // An operation whose inputs carry no rule has no check to call.
        let check = has_rules(model, op).then(
            || quote!(checks::#name(#(#names),*).map_err(|v| crate::rt::broken_rule(v, #id))?;),
        );
        let cfg = super::tags::op_cfg(op);
        methods.push(quote! {
            #cfg
            #(#[doc = #docs])*
            pub fn #name(&self, #(#params),*)
                -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::rt::Error>>
                + ::std::marker::Send + use<'c>
            {
                crate::rt::run(self.config, self.options, self.#build(#(#names),*), &crate::rt::OPERATIONS[const { crate::rt::index_of(#id) }])
            }

            #cfg
            fn #build(&self, #(#params),*) -> ::std::result::Result<::reqwest::Request, crate::rt::Error> {
                #check
                #url
                #query
                let __request = self
                    .config
                    .http
                    .request(::reqwest::Method::#method, __url)
                    .header(
                        ::reqwest::header::ACCEPT,
                        ::reqwest::header::HeaderValue::from_static("application/json"),
                    );
                #body
                __request.build().map_err(crate::rt::unbuildable)
            }
        });
        if check.is_some() {
            let check = check_fn(model, op);
            checks.push(quote!(#cfg #check));
        }
        arms.push(prepare_arm(op));
    }
    let operations: syn::Item = syn::parse_quote! {
        impl<'c> crate::rt::Operations<'c> {
            #(#methods)*

            /// Builds the request for `operation_id` from path and query values
            /// (by the spec's parameter names; an array parameter's name
            /// repeated for each of its values) and a JSON body, checking each
            /// into its type and against the spec's rules, without sending it:
            /// what the `phlo` CLI runs. [`Prepared::send`](crate::Prepared::send)
            /// sends it through the same pipeline as the typed methods.
            pub fn prepare(
                &self,
                operation_id: &str,
                params: &[(&str, &str)],
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<crate::rt::Prepared<'c>, crate::rt::Error> {
                use crate::rt::ByName as _;
                match operation_id {
                    #(#arms)*
                    other => Err(crate::rt::unknown_operation(other)),
                }
            }
        }
    };
    let checks: syn::Item = syn::parse_quote! {
        /// The spec's rules of each operation's inputs, checked before any
        /// request (by the guarded layer) and by the mock (which refuses
        /// what breaks them as Plivo does).
        #[allow(unused_variables, clippy::all)]
        pub(crate) mod checks {
            use super::types;
            #(#checks)*
        }
    };
    vec![operations, checks]
}

fn output(op: &Op) -> TokenStream {
    op.output.as_ref().map_or_else(|| quote!(()), owned)
}

/// `name: Type` for each argument, and the names.
fn signature(op: &Op) -> (Vec<TokenStream>, Vec<syn::Ident>) {
    let mut params = Vec::new();
    let mut names = Vec::new();
    for p in &op.params {
        let ident = format_ident!("{}", p.rust);
        let ty = arg_type(p);
        params.push(quote!(#ident: #ty));
        names.push(ident);
    }
    if let Some(body) = &op.body {
        let ty = owned(&body.ty);
        params.push(if body.required {
            quote!(body: &#ty)
        } else {
            quote!(body: ::std::option::Option<&#ty>)
        });
        names.push(format_ident!("body"));
    }
    (params, names)
}

fn docs(model: &Model, op: &Op) -> Vec<String> {
    let mut docs = Vec::new();
    let line = |docs: &mut Vec<String>, text: &str| {
        for l in text.trim().lines() {
            docs.push(format!(" {l}"));
        }
    };
    line(&mut docs, &op.summary);
    if !op.description.is_empty() {
        docs.push(String::new());
        line(&mut docs, &op.description);
    }
    docs.push(String::new());
    let server = &model.servers[op.server];
    docs.push(format!(" `{} {}` on `{server}`.", op.method, op.path));
    if !op.params.is_empty() || op.body.is_some() {
        docs.push(String::new());
        docs.push(" Arguments:".into());
        for p in &op.params {
            let default = p
                .default
                .as_ref()
                .map(|d| format!(" (the server's default: `{d}`)"))
                .unwrap_or_default();
            let name = if p.rust == p.wire {
                format!("`{}`", p.rust)
            } else {
                format!("`{}` (`{}` on the wire)", p.rust, p.wire)
            };
            docs.push(format!(" - {name}: {}{default}", p.description.trim()));
        }
        if let Some(b) = &op.body {
            let text = match (b.description.trim(), &b.ty) {
                ("", Ty::Named(n)) => format!("the JSON body, a [`types::{n}`]."),
                ("", _) => "the JSON body.".to_string(),
                (d, _) => d.to_string(),
            };
            docs.push(format!(" - `body`: {text}"));
        }
    }
    docs
}

/// `let mut __url = ..;` from the server and the path template.
fn url(model: &Model, op: &Op) -> TokenStream {
    let server = op.server;
    let mut out = quote! {
        let mut __url = ::std::string::String::with_capacity(256);
        __url.push_str(&self.config.servers[#server]);
    };
    let mut literal = String::new();
    for segment in &op.segments {
        literal.push('/');
        let (prefix, name, suffix) = match segment {
            Segment::Literal(text) => {
                literal.push_str(text);
                continue;
            }
            Segment::Placeholder {
                prefix,
                name,
                suffix,
            } => (prefix, name, suffix),
        };
        literal.push_str(prefix);
        if !literal.is_empty() {
            out.extend(quote!(__url.push_str(#literal);));
            literal.clear();
        }
        let p = op
            .params
            .iter()
            .find(|p| p.wire == *name && p.location == Location::Path)
            .expect("the model matched every placeholder to a path parameter");
        out.extend(path_value(model, p));
        literal.push_str(suffix);
    }
    if !literal.is_empty() {
        out.extend(quote!(__url.push_str(#literal);));
    }
    out
}

fn path_value(model: &Model, p: &Param) -> TokenStream {
    let ident = format_ident!("{}", p.rust);
    let wire = &p.wire;
    match &p.ty {
        // Checked when made: they hold nothing that changes the route.
        Ty::Named(n) if matches!(model.named(n), Some(Named::Hand)) => {
            quote!(__url.push_str(#ident.as_str());)
        }
        Ty::Integer(..) | Ty::Number(_) | Ty::Boolean | Ty::Uuid => quote! {
            ::std::fmt::Write::write_fmt(&mut __url, format_args!("{}", #ident)).expect("a String takes any text");
        },
        Ty::String(_) => quote!(crate::rt::push_path(&mut __url, #wire, #ident)?;),
        _ => quote! {
            crate::rt::push_path(&mut __url, #wire, &crate::rt::QueryText::query_text(#ident))?;
        },
    }
}

fn query(op: &Op) -> TokenStream {
    let query: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .collect();
    if query.is_empty() {
        return TokenStream::new();
    }
    let mut pushes = TokenStream::new();
    for p in query {
        let ident = format_ident!("{}", p.rust);
        let wire = &p.wire;
        let push = match (&p.ty, p.required) {
            (Ty::Array(..), true) => quote!(query_each),
            (Ty::Array(..), false) => quote!(query_each_opt),
            (_, true) => quote!(query),
            (_, false) => quote!(query_opt),
        };
        let value = if p.required && rust::by_value(&p.ty) {
            quote!(&#ident)
        } else {
            quote!(#ident)
        };
        pushes.extend(quote!(crate::rt::#push(&mut __query, #wire, #value);));
    }
    quote! {
        let mut __query = crate::rt::Query::new();
        #pushes
        crate::rt::push_query(&mut __url, &__query);
    }
}

/// Whether any input of `op` carries a rule of the spec: only then is there a
/// `checks::<op>` to call.
pub(crate) fn has_rules(model: &Model, op: &Op) -> bool {
    !rules(model, op).is_empty()
}

fn check_fn(model: &Model, op: &Op) -> TokenStream {
    let name = format_ident!("{}", op.rust);
    let (params, _) = signature(op);
    let body = rules(model, op);
    quote! {
        #[inline]
        pub(crate) fn #name(#(#params),*) -> ::std::result::Result<(), crate::rt::Violation> {
            #body
            Ok(())
        }
    }
}

/// The checks of `op`'s inputs, in order (empty when none has a rule).
fn rules(model: &Model, op: &Op) -> TokenStream {
    let mut body = TokenStream::new();
    for p in &op.params {
        let ident = format_ident!("{}", p.rust);
        // `__v` is a reference (or a `&str` / `&[T]`).
        let check = rust::check_value(model, &p.wire, &p.ty, &quote!(__v));
        if check.is_empty() {
            continue;
        }
        let by_value = rust::by_value(&p.ty);
        body.extend(match (p.required, by_value) {
            (true, true) => quote!({ let __v = &#ident; #check }),
            (true, false) => quote!({ let __v = #ident; #check }),
            (false, true) => quote!(if let ::std::option::Option::Some(__v) = &#ident { #check }),
            (false, false) => quote!(if let ::std::option::Option::Some(__v) = #ident { #check }),
        });
    }
    if let Some(b) = &op.body {
        // The body's own fields are named by their place in it, not
        // prefixed with `body`.
        let object = |n: &str| matches!(model.named(n), Some(Named::Object { .. }));
        let check = match &b.ty {
            Ty::Named(n) if object(n) && rust::needs_check(model, n) => {
                quote!(crate::rt::Check::check(body)?;)
            }
            ty => rust::check_value(model, "body", ty, &quote!(body)),
        };
        body.extend(if b.required || check.is_empty() {
            check
        } else {
            quote!(if let ::std::option::Option::Some(body) = body { #check })
        });
    }
    body
}

fn prepare_arm(op: &Op) -> TokenStream {
    let id = &op.id;
    let build = format_ident!("request_{}", op.rust);
    let output = output(op);
    let mut parse = Vec::new();
    let mut passed = Vec::new();
    for p in &op.params {
        let ident = format_ident!("{}", p.rust);
        let wire = &p.wire;
        let local = quote!(#ident);
        let (parsed, given) = match (&p.ty, p.required) {
            (Ty::Array(item, _), required) => {
                let item = owned(item);
                let values = quote!(crate::rt::Error::many::<#item>(op, params, #wire)?);
                if required {
                    (values, quote!(&#local))
                } else {
                    (
                        values,
                        quote!((!#local.is_empty()).then_some(#local.as_slice())),
                    )
                }
            }
            (ty, true) => {
                let t = owned(ty);
                (
                    quote!(crate::rt::Error::value::<#t>(op, params, #wire)?),
                    pass(p, &local),
                )
            }
            (ty, false) => {
                let t = owned(ty);
                (
                    quote!(crate::rt::Error::optional::<#t>(op, params, #wire)?),
                    pass(p, &local),
                )
            }
        };
        parse.push(quote!(let #ident = #parsed;));
        passed.push(given);
    }
    if let Some(b) = &op.body {
        let t = owned(&b.ty);
        parse.push(quote!(let body = crate::rt::Error::body::<#t>(op, body)?;));
        passed.push(if b.required {
            quote!(&body.expect("ByName::body refuses a missing required body"))
        } else {
            quote!(body.as_ref())
        });
    }
    let cfg = super::tags::op_cfg(op);
    quote! {
        #cfg
        #id => {
            let op = &crate::rt::OPERATIONS[const { crate::rt::index_of(#id) }];
            crate::rt::check_inputs(op, params, &body)?;
            #(#parse)*
            crate::rt::Prepared::new(
                self,
                self.#build(#(#passed),*),
                op,
                crate::rt::send_decoding_as::<#output>,
            )
        }
    }
}
