#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// A build with none of the spec's tags (features) has no operations; the
// layers under them are then unused, and say nothing about it.
#![cfg_attr(
    not(any(
        feature = "phlo",
        feature = "multi-party-call",
        feature = "conference-bridge"
    )),
    allow(dead_code, unused_imports, unused_variables)
)]

// The layers, from the bottom up; each imports only those above it (the
// table in CONTRIBUTING.md, "Where things are").

/// Reading a request given by name, for the client and the mock.
mod by_name;
/// [`PhloClient`], its builder and per-call options.
mod client;
mod error;
mod generated;
/// The friendly handles: multi-party call, member, PHLO, conference bridge.
mod handles;
mod operations;
/// The one pipeline every call runs through.
mod pipeline;
/// What generated code may call, and nothing else.
mod rt;
pub mod spec;
/// Checked values: addresses, ids, dates, path templates, the spec's rules.
mod values;

#[cfg(feature = "callback")]
#[cfg_attr(docsrs, doc(cfg(feature = "callback")))]
pub mod callback;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "mock-server")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock-server")))]
pub mod mock;

pub use client::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT, ENV_AUTH_ID,
    ENV_AUTH_TOKEN, ENV_BASE_URL, PhloClient, PhloClientBuilder, USER_AGENT,
};
pub use error::{BODY_EXCERPT_LIMIT, Error, TransportKind};
#[cfg(feature = "multi-party-call")]
pub use generated::types::Role;
#[cfg(feature = "phlo")]
pub use handles::Phlo;
#[cfg(feature = "conference-bridge")]
pub use handles::{ConferenceBridge, ConferenceMember};
#[cfg(feature = "multi-party-call")]
pub use handles::{Member, MultiPartyCall};
pub use operations::{Operations, Prepared};
pub use pipeline::meta::{
    HEADER_COUNT_LIMIT, HEADER_VALUE_LIMIT, HEADERS_SIZE_LIMIT, ResponseMeta, ResponseSlot,
};
pub use pipeline::options::{CallOptions, REFUSED_HEADERS};
pub use pipeline::retry::RetryPolicy;
/// The reqwest this crate is built on, so versions can match.
pub use reqwest;
/// The schemars (1.x) whose `JsonSchema` every type in [`types`] implements,
/// so versions can match.
pub use schemars;
/// The uuid crate whose `Uuid` `format: uuid` values are, so versions can match.
#[cfg(feature = "uuid")]
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
pub use uuid;
pub use values::address::{ADDRESS_MAX_LEN, Address, InvalidAddress};
pub use values::dates::{Date, DateTime, InvalidFormat};
pub use values::ids::{AuthId, Id, InvalidAuthId, InvalidId};
pub use values::rules::InvalidValue;

/// The request and response types of every spec operation, generated from
/// `spec/phlo.yaml` (with the hand-written [`Address`], [`Id`] and
/// [`AuthId`]). All derive `serde` and [`schemars::JsonSchema`].
pub mod types {
    pub use crate::generated::types::*;
    pub use crate::{Address, AuthId, Date, DateTime, Id};
}

/// The unguarded layer: progenitor's generated client and its support types,
/// reachable through [`PhloClient::generated`] (feature `unguarded`).
#[cfg(feature = "unguarded")]
pub mod api {
    pub use crate::generated::{ByteStream, Client, ClientInfo, Error, ResponseValue};
}
