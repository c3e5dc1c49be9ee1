//! [`Address`]: a phone number or a SIP URI, the spec's `Address` schema.
//!
//! The rule (README "Addresses", spec `components/schemas/Address`):
//!
//! * a phone number in E.164 form, with or without `+`: 1 to 15 digits, the
//!   first (the country code's) never `0`, so a national number like
//!   `0415…` is refused rather than dialled somewhere unexpected;
//! * a SIP URI: scheme `sip:` or `sips:` in any case (sent in lower case), a
//!   user of 1 to 64 characters (letters, digits, `_.!~*()&=+$,;-`, not
//!   starting or ending with `.`), `@`, a host (an IPv4 address with real
//!   octets, or a DNS name of non-empty labels of at most 63 characters, the
//!   last starting with a letter, at most 253 characters, optionally with a
//!   trailing dot), an optional port 1–65535 and optional URI parameters
//!   (`;transport=tcp`). IPv6 hosts, `?headers` and `%` escapes are refused:
//!   they would change the request path;
//! * at most 400 bytes in all.
//!
//! The check is hand-written (no regex engine, no allocation); a test and the
//! `address` fuzz target hold it equal to the spec's pattern and maxLength.

use std::fmt;

/// A phone number or a SIP URI, checked against the spec's `Address` rule
/// (described in full in the README's "Addresses" section).
///
/// ```
/// use plivo_phlo::Address;
/// assert!(Address::is_valid("+14152225555"));
/// assert!(Address::is_valid("sip:agent1@phone.plivo.com;transport=tcp"));
/// let sip: Address = "SIP:agent1@phone.plivo.com".parse().unwrap();
/// assert_eq!(sip.as_str(), "sip:agent1@phone.plivo.com");
/// assert!("sip:a@999.999.999.999".parse::<Address>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address(String);

/// Why a value is not an [`Address`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAddress(String);

text_type!(
    Address,
    InvalidAddress,
    "Address",
    Address::is_valid,
    Address::canonical,
    InvalidAddress,
    super::pattern_schema(crate::spec::ADDRESS)
);

/// The longest address, in bytes (the spec's `maxLength`).
pub const ADDRESS_MAX_LEN: usize = 400;
const USER_MAX: usize = 64;
const HOST_MAX: usize = 253;
const USER_PUNCT: &[u8] = b"_!~*()&=+$,;-";

impl Address {
    /// Whether `value` follows the spec's `Address` rule.
    pub fn is_valid(value: &str) -> bool {
        if value.len() > ADDRESS_MAX_LEN {
            return false;
        }
        if is_phone(value) {
            return true;
        }
        let Some(rest) = strip_scheme(value) else {
            return false;
        };
        let Some((user, host_part)) = rest.split_once('@') else {
            return false;
        };
        user_ok(user) && host_part_ok(host_part)
    }

    /// A valid address's scheme in lower case (`SIP:` -> `sip:`): schemes
    /// are case-insensitive, and Plivo's examples use lower case.
    fn canonical(value: String) -> String {
        // Phone numbers (the common case) have no scheme to look at.
        if !value.starts_with(['s', 'S']) {
            return value;
        }
        match value.find(':') {
            Some(at) if value[..at].bytes().any(|b| b.is_ascii_uppercase()) => {
                format!("{}{}", value[..at].to_ascii_lowercase(), &value[at..])
            }
            _ => value,
        }
    }
}

impl InvalidAddress {
    /// Why, in words.
    pub fn reason(&self) -> String {
        address_reason(&self.0)
    }

    pub(crate) fn value(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvalidAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid address {:?}: {}", self.0, self.reason())
    }
}

impl std::error::Error for InvalidAddress {}

fn is_phone(value: &str) -> bool {
    let digits = value.strip_prefix('+').unwrap_or(value);
    (1..=15).contains(&digits.len())
        && digits.bytes().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
}

fn strip_scheme(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once(':')?;
    (scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips")).then_some(rest)
}

fn user_ok(user: &str) -> bool {
    let b = user.as_bytes();
    (1..=USER_MAX).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || USER_PUNCT.contains(c))
        && b[0] != b'.'
        && b[b.len() - 1] != b'.'
}

/// `host[:port](;name[=value])*`
fn host_part_ok(text: &str) -> bool {
    let mut parts = text.split(';');
    let host_port = parts.next().unwrap_or_default();
    if !parts.all(param_ok) {
        return false;
    }
    let (host, port) = match host_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    port.is_none_or(port_ok) && (ipv4_ok(host) || dns_ok(host))
}

fn param_ok(param: &str) -> bool {
    let (name, value) = match param.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (param, None),
    };
    let name_ok = (1..=32).contains(&name.len())
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    let value_ok = value.is_none_or(|v| {
        (1..=64).contains(&v.len())
            && v.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._~-".contains(&c))
    });
    name_ok && value_ok
}

fn port_ok(port: &str) -> bool {
    (1..=5).contains(&port.len())
        && port.bytes().all(|c| c.is_ascii_digit())
        && !port.starts_with('0')
        && port.parse::<u32>().is_ok_and(|p| p <= 65535)
}

fn ipv4_ok(host: &str) -> bool {
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            (1..=3).contains(&o.len())
                && o.bytes().all(|c| c.is_ascii_digit())
                && (o.len() == 1 || !o.starts_with('0'))
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

fn dns_ok(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.is_empty() || name.len() > HOST_MAX {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        let b = l.as_bytes();
        (1..=63).contains(&b.len())
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|l| l.as_bytes()[0].is_ascii_alphabetic())
}

/// Why `value` is not an address, in words.
pub(crate) fn address_reason(value: &str) -> String {
    if let Some(reason) = super::path::route_reason(value) {
        return reason;
    }
    if value.len() > ADDRESS_MAX_LEN {
        return format!(
            "is {} bytes long; addresses are at most {ADDRESS_MAX_LEN}",
            value.len()
        );
    }
    const EXPECTED: &str = "expected an E.164 phone number ('+' optional, 1 to 15 digits, not \
                            starting with 0) or a SIP URI like sip:agent1@phone.plivo.com";
    if let Some(rest) = strip_scheme(value) {
        return match rest.split_once('@') {
            None => "SIP URI has no '@host' part".into(),
            Some(("", _)) => "SIP URI has no user before '@'".into(),
            Some((_, "")) => "SIP URI has no host after '@'".into(),
            Some((user, _)) if !user_ok(user) => format!(
                "SIP user part must be 1 to {USER_MAX} characters (letters, digits, \
                 _.!~*()&=+$,;-), not starting or ending with '.'"
            ),
            Some((_, host)) if host.starts_with('[') => {
                "IPv6 hosts are not supported (brackets would change the request path)".into()
            }
            Some((_, host)) => host_reason(host),
        };
    }
    let digits = value.strip_prefix('+').unwrap_or(value);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        if digits.starts_with('0') {
            return "E.164 numbers start with a country code, never 0 (write +44…, not 0…)".into();
        }
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

fn host_reason(text: &str) -> String {
    let host_port = text.split(';').next().unwrap_or_default();
    if text.split(';').skip(1).any(|p| !param_ok(p)) {
        return "SIP URI parameters must look like ;name or ;name=value (letters, digits, ._~-)"
            .into();
    }
    let (host, port) = match host_port.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host_port, None),
    };
    if port.is_some_and(|p| !port_ok(p)) {
        return "SIP port must be 1 to 65535".into();
    }
    if host
        .split('.')
        .all(|o| !o.is_empty() && o.bytes().all(|c| c.is_ascii_digit()))
    {
        return "SIP host is not a valid IPv4 address (4 octets, each 0 to 255)".into();
    }
    format!(
        "SIP host must be an IPv4 address or a DNS name (labels of 1 to 63 letters, digits or \
         '-', separated by single dots, the last starting with a letter, at most {HOST_MAX} \
         characters)"
    )
}
