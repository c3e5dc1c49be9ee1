//! The code generated from `spec/phlo.yaml`: the types and progenitor's
//! client, the guarded operations (`impl Operations`), the mock's `Call`
//! enum and the typed httpmock helpers.
//!
//! build.rs writes them to `$OUT_DIR`: freshly generated with the default
//! `codegen` feature, or copied from the checked-in files beside this one
//! (after checking they match the spec) without it. This is the one place
//! generated code enters the crate; lint allowances for it are scoped here.
#![allow(
    missing_docs,
    unused_imports,
    unused_qualifications,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));

// progenitor's hooks keep their defaults: the unguarded layer is
// progenitor's own behaviour. The guarded layer does not go through them.
impl progenitor_client::ClientHooks for Client {}

/// The mock's `Call` enum, one variant per spec operation.
#[cfg(feature = "mock-server")]
pub(crate) mod calls {
    include!(concat!(env!("OUT_DIR"), "/calls.rs"));
}

/// progenitor's typed httpmock helpers, path values escaped.
#[cfg(feature = "mock")]
pub(crate) mod httpmock {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}
