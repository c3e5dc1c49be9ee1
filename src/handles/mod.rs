//! The friendly handles ([`MultiPartyCall`], [`Member`], [`Phlo`],
//! [`ConferenceBridge`]) and the arguments they check before any I/O, each
//! rejection naming the argument, the value and the reason.

// Each handle is its tag's (a Cargo feature: tag `multi_party_call` is
// feature `multi-party-call`), compiled when the tag is.
#[cfg(feature = "conference-bridge")]
pub(crate) mod conference;
#[cfg(feature = "multi-party-call")]
pub(crate) mod member;
#[cfg(feature = "multi-party-call")]
pub(crate) mod mpc;
#[cfg(feature = "phlo")]
pub(crate) mod phlo;

#[cfg(feature = "conference-bridge")]
pub use conference::{ConferenceBridge, ConferenceMember};
#[cfg(feature = "multi-party-call")]
pub use member::Member;
#[cfg(feature = "multi-party-call")]
pub use mpc::MultiPartyCall;
#[cfg(feature = "phlo")]
pub use phlo::Phlo;

#[cfg(any(feature = "multi-party-call", feature = "conference-bridge", fuzzing))]
use crate::values::address::{Address, address_reason};
use crate::{
    error::Error,
    values::ids::{AuthId, Id, id_reason, mask},
};

/// A rejected argument, kept until the call that needs it (so handles like
/// `client.multi_party_call(..)` stay infallible and the error comes back
/// from the first action, still before any request).
#[derive(Clone, Debug)]
pub(crate) struct BadArgument {
    field: &'static str,
    value: String,
    reason: String,
}

impl From<BadArgument> for Error {
    fn from(r: BadArgument) -> Self {
        Error::InvalidInput {
            field: r.field,
            value: r.value,
            reason: r.reason,
        }
    }
}

impl From<&BadArgument> for Error {
    fn from(r: &BadArgument) -> Self {
        r.clone().into()
    }
}

/// Parses a phone number or SIP URI for `field`.
#[cfg(any(feature = "multi-party-call", feature = "conference-bridge", fuzzing))]
pub(crate) fn address(field: &'static str, value: &str) -> Result<Address, BadArgument> {
    value.parse().map_err(|_| BadArgument {
        field,
        value: value.to_string(),
        reason: address_reason(value),
    })
}

/// Parses a PHLO, node or run id for `field`.
pub(crate) fn id(field: &'static str, value: &str) -> Result<Id, BadArgument> {
    value.parse().map_err(|_| BadArgument {
        field,
        value: value.to_string(),
        reason: id_reason(value),
    })
}

/// Parses an auth_id. The value is masked in the error: with the two
/// arguments of `credentials()` swapped, it is the token.
pub(crate) fn auth_id(value: &str) -> Result<AuthId, BadArgument> {
    value
        .parse()
        .map_err(|e: crate::values::ids::InvalidAuthId| BadArgument {
            field: "auth_id",
            value: mask(value),
            reason: e.reason(),
        })
}

/// A typed request body as JSON, for [`Operations::prepare`](crate::Operations::prepare).
#[cfg(feature = "multi-party-call")]
pub(crate) fn json(body: &impl serde::Serialize) -> Result<serde_json::Value, Error> {
    serde_json::to_value(body).map_err(|e| Error::invalid("body", "", e.to_string()))
}

/// A node's `(phlo_id, node_id)`.
#[cfg(any(feature = "multi-party-call", feature = "conference-bridge"))]
pub(crate) type NodeIds = (Id, Id);
/// A member's `(phlo_id, node_id, member_address)`.
#[cfg(any(feature = "multi-party-call", feature = "conference-bridge"))]
pub(crate) type MemberTarget = (Id, Id, Address);

/// Parses the ids of a node.
#[cfg(any(feature = "multi-party-call", feature = "conference-bridge"))]
pub(crate) fn node_ids(phlo_id: &str, node_id: &str) -> Result<NodeIds, BadArgument> {
    Ok((id("phlo_id", phlo_id)?, id("node_id", node_id)?))
}

/// Adds a member address to a node's (already checked) ids.
#[cfg(any(feature = "multi-party-call", feature = "conference-bridge"))]
pub(crate) fn member_target(
    ids: &Result<NodeIds, BadArgument>,
    member_address: &str,
) -> Result<MemberTarget, BadArgument> {
    let (phlo_id, node_id) = ids.clone()?;
    Ok((phlo_id, node_id, address("member_address", member_address)?))
}
