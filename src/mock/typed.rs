//! progenitor's typed httpmock helpers for every spec operation
//! ([`MockServerExt`]), plus [`path_exact`], the
//! workaround for the generator putting path values into a regex unescaped.
//!
//! Generated matchers like `.member_address(&addr)` build a regex from the
//! raw value: `+14152225555` then never matches (the `+` is a quantifier)
//! and the `.` of a SIP host matches any character. Match the path with
//! [`path_exact`] instead, after the typed matchers.

#[allow(missing_docs, unused_imports, clippy::all, rustdoc::all)]
mod inner {
    include!(concat!(env!("OUT_DIR"), "/phlo_httpmock.rs"));
}
pub use inner::*;

/// Matches the request path exactly, with every character literal. Use it
/// on the `httpmock::When` (after `into_inner()`) instead of the generated
/// path matchers.
pub fn path_exact(when: httpmock::When, path: &str) -> httpmock::When {
    when.path_matches(format!("^{}$", regex::escape(path)))
}
