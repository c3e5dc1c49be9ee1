//! [`Id`] (PHLO, node and run ids) and [`AuthId`]: the spec's `Id` and
//! `AuthId` schemas, written by hand so that a rejection is explained in
//! words and the JSON Schema keeps the pattern. Tests check each against the
//! spec's pattern.

use std::fmt;

/// A PHLO, node or run id: 1 to 64 letters, digits, `-` or `_` (PHLOs,
/// nodes and runs use UUIDs). It can never change a request's route.
///
/// ```
/// let id: plivo_phlo::Id = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20".parse().unwrap();
/// assert_eq!(id.to_string(), "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20");
/// let err = "../admin".parse::<plivo_phlo::Id>().unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid id "../admin": contains '/', which would change the request path"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

/// The longest id, in bytes.
const ID_MAX: usize = 64;

/// A Plivo auth_id: `MA` (main account) or `SA` (subaccount) and 18
/// upper-case letters or digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuthId(String);

/// Why a value is not an [`Id`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidId(String);

/// Why a value is not an [`AuthId`]. Its `Display` masks the value: a
/// token passed where the auth_id belongs must not reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct InvalidAuthId(String);

text_type!(
    Id,
    InvalidId,
    "Id",
    Id::is_valid,
    std::convert::identity,
    InvalidId,
    super::pattern_schema(crate::spec::ID)
);
text_type!(
    AuthId,
    InvalidAuthId,
    "AuthId",
    AuthId::is_valid,
    std::convert::identity,
    InvalidAuthId,
    super::pattern_schema(crate::spec::AUTH_ID)
);

impl Id {
    /// Whether `value` matches the spec's `Id` pattern, `^[A-Za-z0-9_-]{1,64}$`.
    pub fn is_valid(value: &str) -> bool {
        (1..=ID_MAX).contains(&value.len()) && all_id_bytes(value.as_bytes())
    }
}

impl AuthId {
    /// Whether `value` matches the spec's `AuthId` pattern, `^(MA|SA)[A-Z0-9]{18}$`.
    pub fn is_valid(value: &str) -> bool {
        value.len() == 20
            && (value.starts_with("MA") || value.starts_with("SA"))
            && value[2..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }
}

/// Whether every byte is a letter, a digit, `-` or `_`.
fn all_id_bytes(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

impl InvalidId {
    /// Why, in words.
    pub fn reason(&self) -> String {
        id_reason(&self.0)
    }

    pub(crate) fn value(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid id {:?}: {}", self.0, self.reason())
    }
}

impl std::error::Error for InvalidId {}

impl InvalidAuthId {
    /// Why, in words.
    pub fn reason(&self) -> String {
        auth_id_reason(&self.0)
    }

    /// The value masked: its first two characters and its length.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for InvalidAuthId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("InvalidAuthId")
            .field(&self.masked())
            .finish()
    }
}

impl fmt::Display for InvalidAuthId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid auth_id {}: {}", self.masked(), self.reason())
    }
}

impl std::error::Error for InvalidAuthId {}

/// `s3… (12 characters)`: enough to recognise a value, not to use it.
pub(crate) fn mask(value: &str) -> String {
    let head: String = value.chars().take(2).collect();
    format!("{head}… ({} characters)", value.chars().count())
}

pub(crate) fn id_reason(value: &str) -> String {
    if let Some(reason) = super::path::route_reason(value) {
        return reason;
    }
    if value.len() > 64 {
        return format!("is {} bytes long; ids are at most 64", value.len());
    }
    "expected letters, digits, '-' or '_' only (PHLO, node and run ids are UUIDs)".into()
}

fn auth_id_reason(value: &str) -> String {
    if value.is_empty() {
        return "is empty".into();
    }
    "expected 20 characters: MA or SA followed by 18 upper-case letters or digits".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each hand-written check accepts exactly what the spec's pattern (run
    /// by regress, the engine typify would use) accepts.
    #[test]
    fn agree_with_the_spec_patterns() {
        let id = regress::Regex::new(crate::spec::ID.pattern).unwrap();
        let auth = regress::Regex::new(crate::spec::AUTH_ID.pattern).unwrap();
        let alphabet = ['a', 'Z', '0', '-', '_', '.', '/', ' ', 'é', 'M', 'A', 'S'];
        let mut all = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            all.extend(frontier.iter().cloned());
        }
        let edges = [
            "a".repeat(64),
            "a".repeat(65),
            "MAXXXXXXXXXXXXXXXXXX".into(),
            "SA0123456789ABCDEFGH".into(),
            "MAXXXXXXXXXXXXXXXXX".into(),
            "MAXXXXXXXXXXXXXXXXXXX".into(),
            "MAxXXXXXXXXXXXXXXXXX".into(),
            "XAXXXXXXXXXXXXXXXXXX".into(),
        ];
        for s in all.iter().chain(&edges) {
            assert_eq!(Id::is_valid(s), id.find(s).is_some(), "id {s:?}");
            let prefixed = format!(
                "MA{s}{}",
                "0".repeat(18usize.saturating_sub(s.chars().count()))
            );
            for candidate in [s.clone(), prefixed] {
                assert_eq!(
                    AuthId::is_valid(&candidate),
                    auth.find(&candidate).is_some(),
                    "auth_id {candidate:?}"
                );
            }
        }
    }

    #[test]
    fn parse_errors_are_worded_and_the_auth_id_is_masked() {
        let err = "".parse::<Id>().unwrap_err().to_string();
        assert_eq!(err, r#"invalid id "": is empty"#);
        let err = "a".repeat(65).parse::<Id>().unwrap_err().to_string();
        assert!(
            err.ends_with("is 65 bytes long; ids are at most 64"),
            "{err}"
        );
        let err = "my-secret-token".parse::<AuthId>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid auth_id my… (15 characters): expected 20 characters: MA or SA \
             followed by 18 upper-case letters or digits"
        );
        assert!(!format!("{err:?}").contains("secret"));
    }

    #[test]
    fn an_inline_id_behaves_as_its_string() {
        let long = "a".repeat(64);
        let ids: Vec<Id> = ["b-2", "a_1", &long, "A"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(ids[2].as_str(), long);
        assert_eq!(format!("{:?}", ids[0]), r#"Id("b-2")"#);
        assert_eq!(ids[1].to_string(), "a_1");
        assert_eq!(String::from(ids[1].clone()), "a_1");
        let mut sorted = ids.clone();
        sorted.sort();
        let mut strings: Vec<&str> = ids.iter().map(Id::as_str).collect();
        strings.sort();
        assert_eq!(sorted.iter().map(Id::as_str).collect::<Vec<_>>(), strings);
        assert_eq!(ids[0], "b-2".parse::<Id>().unwrap());
        assert_ne!(ids[0], ids[1]);
        let hash = |id: &Id| {
            use std::hash::{BuildHasher, RandomState};
            let state = RandomState::new();
            (state.hash_one(id), state.hash_one(id.as_str()))
        };
        let (a, b) = hash(&ids[0]);
        assert_eq!(a, b, "hashes as its string (Borrow<str>-compatible)");
        // serde: borrowed, owned, and refused with the worded reason.
        let borrowed: Id = serde_json::from_str(r#""x-1""#).unwrap();
        let owned: Id = serde_json::from_value(serde_json::json!("x-1")).unwrap();
        assert_eq!(borrowed, owned);
        let err = serde_json::from_str::<Id>(r#""../x""#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("which would change the request path"), "{err}");
        assert!("a".repeat(65).parse::<Id>().is_err());
    }
}
