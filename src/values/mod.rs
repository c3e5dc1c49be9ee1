//! The crate's checked values. Each module returns its own error type; none
//! imports the pipeline or the client.
//!
//! Here: [`text_type!`], the one set of impls every checked text type
//! ([`Address`], [`Id`], [`AuthId`], [`DateTime`], [`Date`]) shares: parse by
//! `FromStr`/`TryFrom`, read as `&str`, (de)serialize as a JSON string that
//! is checked on the way in, and a JSON Schema that keeps the spec's rule.
//!
//! [`Address`]: crate::Address
//! [`Id`]: crate::Id
//! [`AuthId`]: crate::AuthId
//! [`DateTime`]: crate::DateTime
//! [`Date`]: crate::Date

/// `text_type!(Type, Error, "Schema", valid, canonical, invalid, schema)`
/// for `struct Type(String)`: `valid: fn(&str) -> bool` decides,
/// `canonical: fn(String) -> String` keeps a valid value in its canonical
/// form, `invalid: fn(String) -> Error` explains a refusal, and `schema` is
/// the JSON Schema (a `schemars::Schema` expression).
macro_rules! text_type {
    ($ty:ident, $err:ident, $name:expr, $valid:expr, $canonical:expr, $invalid:expr, $schema:expr) => {
        impl $ty {
            /// The value as sent or received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(value: &str) -> Result<Self, $err> {
                Self::try_from(value.to_string())
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $err;
            fn try_from(value: &str) -> Result<Self, $err> {
                value.parse()
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(value: String) -> Result<Self, $err> {
                if $valid(&value) {
                    Ok($ty($canonical(value)))
                } else {
                    Err($invalid(value))
                }
            }
        }

        impl ::std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $ty::try_from(text).map_err(::serde::de::Error::custom)
            }
        }

        impl ::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $schema
            }
        }
    };
}

/// The JSON Schema of a hand-written type: the spec's own pattern, length
/// limit and description.
fn pattern_schema(spec: crate::spec::Pattern) -> schemars::Schema {
    let mut schema = schemars::json_schema!({
        "type": "string",
        "description": spec.description,
        "pattern": spec.pattern,
    });
    if let Some(max) = spec.max_length {
        schema.insert("maxLength".into(), max.into());
    }
    schema
}

pub(crate) mod address;
pub(crate) mod dates;
pub(crate) mod ids;
pub(crate) mod path;
pub(crate) mod rules;
