#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod newtype;

mod address;
mod builder;
pub mod callback;
mod client;
mod conference;
mod error;
mod formats;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod ids;
mod input;
mod json_schema;
mod member;
mod meta;
#[cfg(feature = "mock-server")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock-server")))]
pub mod mock;
mod mpc;
mod operations;
mod options;
mod phlo;
mod request;
mod response;
mod retry;
mod rules;
mod scrub;
pub mod spec;
mod template;
mod trace;
mod transport;
mod wire_values;

pub use address::{ADDRESS_MAX_LEN, Address, InvalidAddress};
pub use builder::PhloClientBuilder;
pub use client::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT, ENV_AUTH_ID,
    ENV_AUTH_TOKEN, ENV_BASE_URL, PhloClient, USER_AGENT,
};
pub use conference::{ConferenceBridge, ConferenceMember};
pub use error::{BODY_EXCERPT_LIMIT, Error, TransportKind};
pub use formats::{Date, DateTime, InvalidFormat};
pub use generated::types::Role;
pub use ids::{AuthId, Id, InvalidAuthId, InvalidId};
pub use member::Member;
pub use meta::{
    HEADER_COUNT_LIMIT, HEADER_VALUE_LIMIT, HEADERS_SIZE_LIMIT, ResponseMeta, ResponseSlot,
};
pub use mpc::MultiPartyCall;
pub use operations::{Operations, Prepared};
pub use options::{CallOptions, REFUSED_HEADERS};
pub use phlo::Phlo;
/// The reqwest this crate is built on, so versions can match.
pub use reqwest;
pub use retry::RetryPolicy;
pub use rules::InvalidValue;
/// The schemars (1.x) whose `JsonSchema` every type in [`types`] implements,
/// so versions can match.
pub use schemars;
/// The uuid crate whose `Uuid` `format: uuid` values are, so versions can match.
pub use uuid;

/// The request and response types of every spec operation, generated from
/// `spec/phlo.yaml` (with the hand-written [`Address`], [`Id`] and
/// [`AuthId`]). All derive `serde` and [`schemars::JsonSchema`].
pub mod types {
    pub use crate::generated::types::*;
    pub use crate::{Address, AuthId, Date, DateTime, Id};
}

/// The unguarded layer: progenitor's generated client and its support types,
/// reachable through [`PhloClient::generated`].
pub mod api {
    pub use crate::generated::{ByteStream, Client, ClientInfo, Error, ResponseValue};
}
