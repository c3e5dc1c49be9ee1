//! The crate's checked values. Each module returns its own error type; none
//! imports the pipeline or the client.
//!
//! Here: the impls shared by the checked string types ([`Address`],
//! [`Id`], [`AuthId`]): parse by `FromStr`/`TryFrom`, read as `&str`,
//! (de)serialize as a JSON string that is checked on the way in, and a JSON
//! Schema that keeps the spec's pattern and length limit.
//!
//! [`Address`]: crate::Address
//! [`Id`]: crate::Id
//! [`AuthId`]: crate::AuthId

/// `checked_string!(Type, Error, "SpecSchema", crate::spec::CONSTANT)`: the
/// type must have `fn is_valid(&str) -> bool`, `fn from_valid_str(&str) ->
/// Self` and `fn from_valid(String) -> Self` (keeping a valid value in its
/// canonical form), `fn as_str(&self) -> &str` and `fn into_string(self) ->
/// String`; the error `fn new(String)`.
macro_rules! checked_string {
    ($ty:ident, $err:ident, $schema:literal, $spec:path) => {
        impl ::std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(value: &str) -> Result<Self, $err> {
                if $ty::is_valid(value) {
                    Ok($ty::from_valid_str(value))
                } else {
                    Err($err::new(value.to_string()))
                }
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
                if $ty::is_valid(&value) {
                    Ok($ty::from_valid(value))
                } else {
                    Err($err::new(value))
                }
            }
        }

        impl ::std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.into_string()
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // A borrowed or passed string is checked where it lies; an
                // owned one is kept.
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string following the spec's ", $schema, " rule"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                    fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<$ty, E> {
                        $ty::try_from(v).map_err(E::custom)
                    }
                }
                deserializer.deserialize_string(Visitor)
            }
        }

        impl ::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                $schema.into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let spec = $spec;
                let mut schema = ::schemars::json_schema!({
                    "type": "string",
                    "description": spec.description,
                    "pattern": spec.pattern,
                });
                if let Some(max) = spec.max_length {
                    schema.insert("maxLength".into(), max.into());
                }
                schema
            }
        }
    };
}

/// The storage half of [`checked_string!`] for a type that keeps its value
/// in a `String` field: `as_str`, `into_string`, `from_valid(_str)`, each
/// through the type's `fn canonical(String) -> String`.
macro_rules! string_storage {
    ($ty:ident) => {
        impl $ty {
            /// The value as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            fn into_string(self) -> String {
                self.0
            }

            fn from_valid_str(value: &str) -> Self {
                $ty($ty::canonical(value.to_string()))
            }

            fn from_valid(value: String) -> Self {
                $ty($ty::canonical(value))
            }
        }
    };
}

pub(crate) mod address;
pub(crate) mod dates;
pub(crate) mod ids;
pub(crate) mod path;
pub(crate) mod rules;
