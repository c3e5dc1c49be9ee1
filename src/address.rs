//! Checks on addresses and ids, made before any I/O.
//!
//! Whether a value is accepted is decided by the spec's `pattern` (through the
//! generated types); this module only explains a rejection in words.

use std::str::FromStr;

use crate::{error::Error, generated::types};

/// A rejected argument, kept until the call that needs it (so builders like
/// `client.multi_party_call(..)` stay infallible and the error comes back
/// from the first action, still before any request).
#[derive(Clone, Debug)]
pub(crate) struct Rejected {
    field: &'static str,
    value: String,
    reason: String,
}

impl From<Rejected> for Error {
    fn from(r: Rejected) -> Self {
        Error::InvalidInput {
            field: r.field,
            value: r.value,
            reason: r.reason,
        }
    }
}

impl From<&Rejected> for Error {
    fn from(r: &Rejected) -> Self {
        r.clone().into()
    }
}

/// Parses a phone number or SIP URI for `field`.
pub(crate) fn address(field: &'static str, value: &str) -> Result<types::Address, Rejected> {
    types::Address::from_str(value).map_err(|_| Rejected {
        field,
        value: value.to_string(),
        reason: address_reason(value),
    })
}

/// Parses a PHLO, node or run id for `field`.
pub(crate) fn id(field: &'static str, value: &str) -> Result<types::Id, Rejected> {
    types::Id::from_str(value).map_err(|_| Rejected {
        field,
        value: value.to_string(),
        reason: id_reason(value),
    })
}

/// A node's `(phlo_id, node_id)`.
pub(crate) type NodeIds = (types::Id, types::Id);
/// A member's `(phlo_id, node_id, member_address)`.
pub(crate) type MemberTarget = (types::Id, types::Id, types::Address);

/// Parses the ids of a node.
pub(crate) fn node_ids(phlo_id: &str, node_id: &str) -> Result<NodeIds, Rejected> {
    Ok((id("phlo_id", phlo_id)?, id("node_id", node_id)?))
}

/// Adds a member address to a node's (already checked) ids.
pub(crate) fn member_target(
    ids: &Result<NodeIds, Rejected>,
    member_address: &str,
) -> Result<MemberTarget, Rejected> {
    let (phlo_id, node_id) = ids.clone()?;
    Ok((phlo_id, node_id, address("member_address", member_address)?))
}

/// Parses an auth_id.
pub(crate) fn auth_id(value: &str) -> Result<types::AuthId, Rejected> {
    types::AuthId::from_str(value).map_err(|_| Rejected {
        field: "auth_id",
        value: value.to_string(),
        reason: "expected 20 characters: MA or SA followed by 18 upper-case letters or digits"
            .into(),
    })
}

fn route_breaker(value: &str) -> Option<char> {
    value
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#' | '%' | '\\'))
}

fn common_reason(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("is empty".into());
    }
    if value.trim() != value || value.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
    }
    if value.chars().any(char::is_control) {
        return Some("contains a control character".into());
    }
    if let Some(c) = route_breaker(value) {
        return Some(format!(
            "contains {c:?}, which would change the request path"
        ));
    }
    None
}

fn id_reason(value: &str) -> String {
    if let Some(reason) = common_reason(value) {
        return reason;
    }
    if value == "." || value == ".." {
        return "is a dot segment, which would change the request path".into();
    }
    if value.len() > 64 {
        return format!("is {} bytes long; ids are at most 64", value.len());
    }
    "expected letters, digits, '-' or '_' only (PHLO, node and run ids are UUIDs)".into()
}

fn address_reason(value: &str) -> String {
    if let Some(reason) = common_reason(value) {
        return reason;
    }
    const EXPECTED: &str = "expected a phone number (optional '+', then 1 to 15 ASCII digits) \
                            or a SIP URI like sip:agent1@phone.plivo.com";
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("sip:") || lower.starts_with("sips:") {
        let rest = &value[value.find(':').map_or(0, |i| i + 1)..];
        return match rest.split_once('@') {
            None => "SIP URI has no '@host' part".into(),
            Some(("", _)) => "SIP URI has no user before '@'".into(),
            Some((_, "")) => "SIP URI has no host after '@'".into(),
            Some(_) => format!("SIP URI has characters not allowed here; {EXPECTED}"),
        };
    }
    let digits = value.strip_prefix('+').unwrap_or(value);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && digits.len() > 15 {
        return format!("has {} digits; E.164 numbers have at most 15", digits.len());
    }
    if digits
        .chars()
        .any(|c| c.is_numeric() && !c.is_ascii_digit())
    {
        return format!("contains non-ASCII digits; {EXPECTED}");
    }
    EXPECTED.into()
}
