//! The guarded operation layer (`client.operations()`), generated for every
//! operation progenitor generated (the mock's `Call` enum, from the same
//! operations, is in `calls.rs`).
//!
//! Each guarded operation reuses progenitor's request building (URL, path
//! encoding, query, JSON body: every statement before its `OperationInfo`),
//! then hands the request to `crate::transport::run`, the crate's one
//! pipeline. An operation added to the spec gets the pipeline with no edit
//! under `src/`.

use quote::{format_ident, quote};
use syn::{Expr, FnArg, Stmt, Type, visit_mut::VisitMut};

pub(super) use super::args::{Arg, Shape};
use super::{
    args::{StripLifetimes, generic_arg, is_str, shape},
    table::Table,
};

pub struct Op {
    pub(super) id: String,
    pub(super) index: usize,
    docs: Vec<syn::Attribute>,
    pub(super) args: Vec<Arg>,
    output: Type,
    build: Vec<Stmt>,
}

/// Finds each operation method progenitor generated on `Client`.
pub fn extract(file: &syn::File, table: &Table) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some()
            || !matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(method) = item else {
                continue;
            };
            if let Some(op) = operation(method, table)? {
                ops.push(op);
            }
        }
    }
    for op in &table.ops {
        if !ops.iter().any(|o| o.id == op.id) {
            return Err(format!(
                "operation {}: found no generated method with its OperationInfo; update \
                 src/codegen/guarded.rs",
                op.id
            ));
        }
    }
    ops.sort_by_key(|o| o.index);
    Ok(ops)
}

fn operation(method: &syn::ImplItemFn, table: &Table) -> Result<Option<Op>, String> {
    let stmts = &method.block.stmts;
    let Some(info_at) = stmts
        .iter()
        .position(|s| local_name(s).as_deref() == Some("info"))
    else {
        return Ok(None);
    };
    let name = method.sig.ident.to_string();
    let shape_error = |what: &str| {
        format!(
            "operation {name}: {what}; progenitor's output changed shape, update src/codegen/guarded.rs"
        )
    };
    let id = operation_id(&stmts[info_at])
        .ok_or_else(|| shape_error("no operation_id in OperationInfo"))?;
    let index = table
        .index(&id)
        .ok_or_else(|| shape_error("its operationId is not in the table"))?;
    // `let mut request = <builder>.build()?;` becomes `let request = <builder>.build();`
    let request_at = info_at
        .checked_sub(1)
        .filter(|&i| local_name(&stmts[i]).as_deref() == Some("request"))
        .ok_or_else(|| shape_error("`let request` does not precede `let info`"))?;
    let mut request = stmts[request_at].clone();
    let Stmt::Local(local) = &mut request else {
        unreachable!()
    };
    let init = local
        .init
        .as_mut()
        .ok_or_else(|| shape_error("`let request` has no value"))?;
    let Expr::Try(built) = &*init.expr else {
        return Err(shape_error("`let request = ...build()?` expected"));
    };
    init.expr = built.expr.clone();
    local.attrs.clear();
    local.pat = syn::parse_quote!(request);
    let mut build: Vec<Stmt> = stmts[..request_at].to_vec();
    build.push(request);

    let spec_op = &table.ops[index];
    let mut args = Vec::new();
    for input in &method.sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let syn::Pat::Ident(pat) = &*typed.pat else {
            return Err(shape_error("an argument is not a plain name"));
        };
        let mut ty = (*typed.ty).clone();
        StripLifetimes.visit_type_mut(&mut ty);
        let ident = pat.ident.clone();
        let api_name = if ident == "body" {
            "body".to_string()
        } else {
            spec_op
                .params
                .iter()
                .find(|p| ident == snake(&p.name))
                .map(|p| p.name.clone())
                .ok_or_else(|| shape_error(&format!("argument {ident} is not a spec parameter")))?
        };
        let shape = shape(&ty)
            .ok_or_else(|| shape_error(&format!("argument {ident} has an unexpected type")))?;
        if ident != "body" && generic_arg(shape.inner(), "Vec").is_some() {
            return Err(format!(
                "operation {name}: parameter {api_name} is an array; the guarded layer, the \
                 mock and the CLI take one value per parameter. Use a string (say, \
                 comma-separated, in its description)"
            ));
        }
        let in_path = spec_op
            .params
            .iter()
            .any(|p| p.name == api_name && p.location == "Path");
        args.push(Arg {
            ident,
            api_name,
            ty,
            shape,
            in_path,
        });
    }
    let output = success_type(&method.sig.output)
        .ok_or_else(|| shape_error("the return type is not Result<ResponseValue<T>, Error<E>>"))?;
    let docs = method
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    Ok(Some(Op {
        id,
        index,
        docs,
        args,
        output,
        build,
    }))
}

/// `impl<'c> Operations<'c> { <typed fns>, <request builders>, prepare }`.
pub fn operations_impl(ops: &[Op], table: &Table) -> syn::Item {
    let mut methods = Vec::new();
    let mut arms = Vec::new();
    for op in ops {
        let name = format_ident!("{}", op.id);
        let build = format_ident!("request_{}", op.id);
        let docs = &op.docs;
        let index = op.index;
        let output = &op.output;
        let stmts = &op.build;
        let params: Vec<_> = op
            .args
            .iter()
            .map(|a| {
                let (ident, ty) = (&a.ident, &a.ty);
                quote!(#ident: #ty)
            })
            .collect();
        let names: Vec<_> = op.args.iter().map(|a| &a.ident).collect();
        // Path values of a type the crate did not write by hand (a plain
        // string, a generated newtype) are percent-encoded by progenitor's
        // code, which leaves `.` and `\` alone: refuse what would still
        // change the route (empty, `.`, `..`, `\`), by name.
        let checks: Vec<_> = op
            .args
            .iter()
            .filter(|a| a.in_path && !a.route_safe())
            .map(|a| {
                let (ident, api) = (&a.ident, &a.api_name);
                quote!(crate::input::path_segment(#api, #ident)?;)
            })
            .collect();
        let route = format!("`{} {}`", table.ops[index].method, table.ops[index].path);
        let guarded_doc = format!(
            " Guarded: {route} through the crate's pipeline (checks, typed [`Error`](crate::Error), \
             retry policy by method, body cap, tracing)."
        );
        methods.push(quote! {
            #(#docs)*
            #[doc = ""]
            #[doc = #guarded_doc]
            pub fn #name(&self, #(#params),*)
                -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::Error>>
                + ::std::marker::Send + use<'c>
            {
                crate::transport::run(self.inner, self.#build(#(#names),*), &crate::spec::OPERATIONS[#index])
            }

            fn #build(&self, #(#params),*)
                -> ::std::result::Result<::reqwest::Request, crate::Error>
            {
                #(#checks)*
                #(#stmts)*
                request.map_err(crate::transport::unbuildable)
            }
        });

        let id = &op.id;
        let mut parse = Vec::new();
        let mut pass = Vec::new();
        for arg in &op.args {
            let (ident, api) = (&arg.ident, &arg.api_name);
            let (parsed, passed) = match &arg.shape {
                Shape::Ref(t) if api == "body" => (
                    quote!(crate::operations::json_body::<#t>(op, body)?),
                    quote!(&#ident),
                ),
                Shape::Ref(t) => (
                    quote!(crate::operations::value::<#t>(op, params, #api)?),
                    quote!(&#ident),
                ),
                Shape::OptionRef(t) if is_str(t) => (
                    quote!(crate::operations::optional::<#t>(op, params, #api)?),
                    quote!(#ident.as_deref()),
                ),
                Shape::Value(t) => (
                    quote!(crate::operations::value::<#t>(op, params, #api)?),
                    quote!(#ident),
                ),
                Shape::OptionRef(t) => (
                    quote!(crate::operations::optional::<#t>(op, params, #api)?),
                    quote!(#ident.as_ref()),
                ),
                Shape::OptionValue(t) => (
                    quote!(crate::operations::optional::<#t>(op, params, #api)?),
                    quote!(#ident),
                ),
            };
            parse.push(quote!(let #ident = #parsed;));
            pass.push(passed);
        }
        arms.push(quote! {
            #id => {
                let op = &crate::spec::OPERATIONS[#index];
                crate::operations::check_inputs(op, params, &body)?;
                #(#parse)*
                crate::operations::Prepared::new(
                    self.inner,
                    self.#build(#(#pass),*),
                    op,
                    crate::operations::send_checked_as::<#output>,
                )
            }
        });
    }
    syn::parse_quote! {
        impl<'c> crate::operations::Operations<'c> {
            #(#methods)*

            /// Builds the request for `operation_id` from path and query values
            /// (by the spec's parameter names) and a JSON body, checking each
            /// into its generated type, without sending it: what the `phlo` CLI
            /// runs. [`Prepared::send`](crate::Prepared::send) sends it through
            /// the same pipeline as the typed methods.
            pub fn prepare(
                &self,
                operation_id: &str,
                params: &[(&str, &str)],
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<crate::operations::Prepared<'c>, crate::Error> {
                match operation_id {
                    #(#arms)*
                    other => Err(crate::operations::unknown_operation(other)),
                }
            }
        }
    }
}

/// `T` in `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let response = generic_arg(ty, "Result")?;
    generic_arg(response, "ResponseValue").cloned()
}

fn local_name(stmt: &Stmt) -> Option<String> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    match &local.pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string()),
        _ => None,
    }
}

/// The `operation_id: "..."` of `let info = OperationInfo { .. };`.
fn operation_id(stmt: &Stmt) -> Option<String> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let Expr::Struct(info) = &*local.init.as_ref()?.expr else {
        return None;
    };
    info.fields.iter().find_map(|f| match (&f.member, &f.expr) {
        (syn::Member::Named(n), Expr::Lit(lit)) if n == "operation_id" => match &lit.lit {
            syn::Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn snake(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

pub(super) fn pascal(id: &str) -> String {
    id.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}
