//! progenitor's typed httpmock helpers for every spec operation
//! ([`MockServerExt`]), with the generator's unescaped-path bug fixed
//! (build.rs wraps every path value in `regex::escape`), plus
//! [`path_exact`].
//!
//! Point the client at `server.base_url()` (no `/v1`): the helpers match the
//! spec's path templates.

pub use crate::generated::httpmock::*;

/// Matches the request path exactly, with every character literal. Use it
/// on the `httpmock::When` (after `into_inner()`) for a path the typed
/// matchers do not cover.
pub fn path_exact(when: httpmock::When, path: &str) -> httpmock::When {
    when.path_matches(format!("^{}$", regex::escape(path)))
}
