//! How a generated request writes a value the spec types: as query text
//! ([`QueryText`]) and into the path ([`push_path`], percent-encoded, a
//! value that would change the route refused).

use std::borrow::Cow;

use crate::{
    error::Error,
    values::{
        address::Address,
        dates::{Date, DateTime},
        ids::{AuthId, Id},
    },
};

/// A value as query text.
pub(crate) trait QueryText {
    fn query_text(&self) -> Cow<'_, str>;
}

impl QueryText for str {
    fn query_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl QueryText for String {
    fn query_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: QueryText + ?Sized> QueryText for &T {
    fn query_text(&self) -> Cow<'_, str> {
        (**self).query_text()
    }
}

macro_rules! display_query {
    ($($t:ty),*) => {$(impl QueryText for $t {
        fn query_text(&self) -> Cow<'_, str> { Cow::Owned(self.to_string()) }
    })*};
}
display_query!(i32, i64, u32, u64, f64, bool);
#[cfg(feature = "uuid")]
display_query!(uuid::Uuid);

/// The crate's checked text types go as they are.
macro_rules! text_query {
    ($($t:ty),*) => {$(impl QueryText for $t {
        fn query_text(&self) -> Cow<'_, str> { Cow::Borrowed(self.as_str()) }
    })*};
}
text_query!(Id, AuthId, Address, DateTime, Date);

/// A request's query pairs, as the generated requests collect them.
pub(crate) type Query = Vec<(&'static str, String)>;

/// Appends the query to the request's URL text, `?name=value&…`,
/// form-urlencoded (a space as `+`) as reqwest's `RequestBuilder::query`
/// writes it, without reqwest's `query` feature (serde_urlencoded). Nothing
/// for an empty query.
pub(crate) fn push_query(url: &mut String, query: &Query) {
    if query.is_empty() {
        return;
    }
    url.push('?');
    let start = url.len();
    let pairs = query.iter().map(|(name, value)| (*name, value.as_str()));
    *url = form_urlencoded::Serializer::for_suffix(std::mem::take(url), start)
        .extend_pairs(pairs)
        .finish();
}

/// Appends `name=value` (a required parameter).
pub(crate) fn query<T: QueryText + ?Sized>(query: &mut Query, name: &'static str, value: &T) {
    query.push((name, value.query_text().into_owned()));
}

/// Appends `name=value` when the value is given.
pub(crate) fn query_opt<T: QueryText>(query: &mut Query, name: &'static str, value: Option<T>) {
    if let Some(value) = value {
        self::query(query, name, &value);
    }
}

/// Appends `name=value` for each value (form style, exploded), in order.
pub(crate) fn query_each<T: QueryText>(query: &mut Query, name: &'static str, values: &[T]) {
    for value in values {
        self::query(query, name, value);
    }
}

/// [`query_each`] when the array is given.
pub(crate) fn query_each_opt<T: QueryText>(
    query: &mut Query,
    name: &'static str,
    values: Option<&[T]>,
) {
    query_each(query, name, values.unwrap_or_default());
}

/// Appends a path value that the crate did not check by hand:
/// percent-encoded, and refused when it would still change the route.
pub(crate) fn push_path(url: &mut String, field: &'static str, value: &str) -> Result<(), Error> {
    crate::values::path::push_encoded(url, value)
        .map_err(|reason| Error::invalid(field, value, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_values_are_encoded_or_refused() {
        let mut url = String::new();
        push_path(&mut url, "label", "weekly ops/1?x").unwrap();
        assert_eq!(url, "weekly%20ops%2F1%3Fx");
        for bad in ["", ".", ".."] {
            let err = push_path(&mut url, "label", bad).unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput { field: "label", ref value, .. } if value == bad)
            );
        }
        assert_eq!(
            url, "weekly%20ops%2F1%3Fx",
            "nothing of a refused value is written"
        );
        assert_eq!(QueryText::query_text(&7u32), "7");
        assert_eq!(QueryText::query_text("a b"), "a b");
    }

    #[test]
    fn a_query_is_form_urlencoded_after_the_path() {
        let mut url = String::from("https://api.plivo.com/v1/Account/MA1/Call/");
        push_query(&mut url, &Query::new());
        assert_eq!(url, "https://api.plivo.com/v1/Account/MA1/Call/", "no `?`");
        let mut query = Query::new();
        self::query(&mut query, "to", "+1 415&x=1");
        query_each(&mut query, "tags", &["a", "b/c"]);
        push_query(&mut url, &query);
        assert_eq!(
            url,
            "https://api.plivo.com/v1/Account/MA1/Call/?to=%2B1+415%26x%3D1&tags=a&tags=b%2Fc"
        );
    }
}
