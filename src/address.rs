//! Checks on addresses and ids, made before any I/O.
//!
//! Ids are checked by the generated types (the spec's `pattern`). Addresses
//! use [`Address`], a hand-written type the generator puts in place of a
//! regex-backed one; a test and the `address` fuzz target prove it accepts
//! exactly what the spec's `Address` pattern accepts. Rejections are
//! explained in words.

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
pub(crate) fn address(field: &'static str, value: &str) -> Result<Address, Rejected> {
    Address::from_str(value).map_err(|_| Rejected {
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
pub(crate) type MemberTarget = (types::Id, types::Id, Address);

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

/// A phone number (optional `+`, then 1 to 15 ASCII digits) or a SIP URI
/// (`sip:`/`sips:`, a user, `@`, a host and an optional port): the spec's
/// `Address` schema. The generated types use this hand-written type in place
/// of a regex-backed one; tests and the `address` fuzz target check that it
/// accepts exactly what the spec's `pattern` accepts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Address(String);

impl Address {
    /// The address as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `value` matches the spec's `Address` pattern,
    /// `^(\+?[0-9]{1,15}|sips?:[A-Za-z0-9_.!~*()&=+$,;-]+@[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?)$`.
    pub fn is_valid(value: &str) -> bool {
        let digits = value.strip_prefix('+').unwrap_or(value);
        if (1..=15).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit()) {
            return true;
        }
        let Some(rest) = value
            .strip_prefix("sip:")
            .or_else(|| value.strip_prefix("sips:"))
        else {
            return false;
        };
        let Some((user, host_port)) = rest.split_once('@') else {
            return false;
        };
        let user_ok = !user.is_empty()
            && user
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.!~*()&=+$,;-".contains(&c));
        let (host, port) = match host_port.split_once(':') {
            Some((host, port)) => (host.as_bytes(), Some(port)),
            None => (host_port.as_bytes(), None),
        };
        let port_ok = port
            .is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()));
        let host_ok = match (host.first(), host.last()) {
            (Some(first), Some(last)) => {
                host.len() <= 253
                    && first.is_ascii_alphanumeric()
                    && last.is_ascii_alphanumeric()
                    && host
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-')
            }
            _ => false,
        };
        user_ok && port_ok && host_ok
    }
}

/// Why a value is not an [`Address`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAddress(String);

impl std::fmt::Display for InvalidAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid address {:?}: {}",
            self.0,
            address_reason(&self.0)
        )
    }
}

impl std::error::Error for InvalidAddress {}

impl FromStr for Address {
    type Err = InvalidAddress;
    fn from_str(value: &str) -> Result<Self, InvalidAddress> {
        if Address::is_valid(value) {
            Ok(Address(value.to_string()))
        } else {
            Err(InvalidAddress(value.to_string()))
        }
    }
}

impl TryFrom<&str> for Address {
    type Error = InvalidAddress;
    fn try_from(value: &str) -> Result<Self, InvalidAddress> {
        value.parse()
    }
}

impl TryFrom<String> for Address {
    type Error = InvalidAddress;
    fn try_from(value: String) -> Result<Self, InvalidAddress> {
        if Address::is_valid(&value) {
            Ok(Address(value))
        } else {
            Err(InvalidAddress(value))
        }
    }
}

impl std::ops::Deref for Address {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Address {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Address> for String {
    fn from(value: Address) -> Self {
        value.0
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Address::try_from(value).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Address {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Address".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A phone number or a SIP URI.",
            "pattern": crate::spec::ADDRESS_PATTERN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written check and the spec's pattern (run by regress, the
    /// engine the generated code would use) agree on every string of up to
    /// five characters over an alphabet chosen to hit every branch, and on
    /// the edge cases below.
    #[test]
    fn agrees_with_the_spec_pattern() {
        let regex = regress::Regex::new(crate::spec::ADDRESS_PATTERN).unwrap();
        let spec = |s: &str| regex.find(s).is_some();
        let alphabet = [
            '+', '1', 's', 'i', 'p', ':', '@', 'a', '.', '-', '/', ' ', 'é',
        ];
        let mut all = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            frontier = frontier
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            all.extend(frontier.iter().cloned());
        }
        let host = |n: usize| format!("sip:u@{}", "a".repeat(n));
        let mut edges: Vec<String> = [
            "+14152225555",
            "14152225555",
            "123456789012345",
            "1234567890123456",
            "+",
            "++1",
            "sip:agent1@phone.plivo.com",
            "sips:a.b-c_d@sip.example.com:5061",
            "sip:a@b:",
            "sip:a@b:123456",
            "sip:a@b:1:2",
            "sip:a@-b",
            "sip:a@b-",
            "sip:a@b@c",
            "sip:@b",
            "sip:a@",
            "SIP:a@b",
            "sip:a b@c",
            "sip:a@b\n",
            "\u{FF11}",
            "sip:!~*()&=+$,;-_.@x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        edges.extend([host(252), host(253), host(254)]);
        for s in sip_prefixed(&all).chain(all.iter().cloned()).chain(edges) {
            assert_eq!(Address::is_valid(&s), spec(&s), "{s:?}");
        }
    }

    fn sip_prefixed(all: &[String]) -> impl Iterator<Item = String> + '_ {
        all.iter().map(|s| format!("sip:{s}"))
    }

    #[test]
    fn deserializing_checks_the_rule() {
        assert!(serde_json::from_str::<Address>("\"+14152225555\"").is_ok());
        let err = serde_json::from_str::<Address>("\"++1\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid address \"++1\""), "{err}");
    }
}
