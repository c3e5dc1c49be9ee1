#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub(crate) mod address;
mod client;
mod conference;
mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod member;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod mpc;
#[cfg(test)]
mod path_safe;
mod phlo;
mod retry;
mod spec;
mod transport;

pub use address::{Address, InvalidAddress};
pub use client::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ENV_AUTH_ID, ENV_AUTH_TOKEN,
    ENV_BASE_URL, PhloClient, PhloClientBuilder, USER_AGENT,
};
pub use conference::{ConferenceBridge, ConferenceMember};
pub use error::{BODY_EXCERPT_LIMIT, Error, TransportKind};
pub use generated::types;
pub use generated::types::Role;
pub use member::Member;
pub use mpc::MultiPartyCall;
pub use phlo::Phlo;
/// The reqwest this crate is built on, so versions can match.
pub use reqwest;
pub use retry::RetryPolicy;

/// The progenitor-generated client and its support types: every operation in
/// `spec/phlo.yaml`, reachable through [`PhloClient::generated`].
pub mod api {
    pub use crate::generated::{ByteStream, Client, ClientInfo, Error, ResponseValue};
}
