//! Hooks for the cargo-fuzz targets in `fuzz/`; compiled only under
//! `--cfg fuzzing`, never in a normal build.

use std::cell::RefCell;

/// A canned answer the `exec` hook returns instead of going to the network.
#[derive(Clone, Debug)]
pub struct Canned {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

tokio::task_local! {
    pub(crate) static CANNED: RefCell<Option<Canned>>;
}

/// Runs `f` with every request answered by `canned`.
pub async fn with_canned<T>(canned: Canned, f: impl std::future::Future<Output = T>) -> T {
    CANNED.scope(RefCell::new(Some(canned)), f).await
}

pub(crate) fn take() -> Option<reqwest::Response> {
    let canned = CANNED.try_with(|c| c.borrow().clone()).ok().flatten()?;
    let mut response = http::Response::new(canned.body);
    *response.status_mut() = http::StatusCode::from_u16(canned.status).ok()?;
    for (name, value) in &canned.headers {
        // Headers no server could send are left out.
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(n, v);
        }
    }
    Some(reqwest::Response::from(response))
}

/// Why an address is refused (the text [`crate::Error::InvalidInput`] carries).
pub fn address_reason(value: &str) -> Option<String> {
    crate::handles::address("to", value)
        .err()
        .map(|r| crate::Error::from(r).to_string())
}

/// The spec's `Address` pattern, for checking [`crate::Address::is_valid`]
/// against a regex engine.
pub const ADDRESS_PATTERN: &str = crate::spec::ADDRESS.pattern;

/// The spec's `Address` maxLength.
pub const ADDRESS_MAX_LENGTH: Option<usize> = crate::spec::ADDRESS.max_length;
