//! The impls shared by the crate's checked string types ([`Address`],
//! [`Id`], [`AuthId`]): parse by `FromStr`/`TryFrom`, read as `&str`,
//! (de)serialize as a JSON string that is checked on the way in, and a JSON
//! Schema that keeps the spec's pattern and length limit.
//!
//! [`Address`]: crate::Address
//! [`Id`]: crate::Id
//! [`AuthId`]: crate::AuthId

/// `checked_string!(Type, Error, "SpecSchema", crate::spec::CONSTANT)`: the
/// type must have `fn is_valid(&str) -> bool` and `fn canonical(String) ->
/// String` (the form a valid value is kept in), the error `fn new(String)`.
macro_rules! checked_string {
    ($ty:ident, $err:ident, $schema:literal, $spec:path) => {
        impl $ty {
            /// The value as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(value: &str) -> Result<Self, $err> {
                value.to_string().try_into()
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
                    Ok($ty($ty::canonical(value)))
                } else {
                    Err($err::new(value))
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
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                $ty::try_from(value).map_err(::serde::de::Error::custom)
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
