//! The progenitor-generated client, compiled from `spec/phlo.yaml` by `build.rs`.
//!
//! This is the one place generated code enters the crate; lint allowances for it
//! are scoped to this module.
#![allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

include!(concat!(env!("OUT_DIR"), "/phlo.rs"));
