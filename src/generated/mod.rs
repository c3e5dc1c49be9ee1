//! The code generated from `spec/phlo.yaml`: the types and progenitor's
//! client, the guarded operations (`impl Operations`), the mock's `Call`
//! enum and the typed httpmock helpers.
//!
//! build.rs writes them to `$OUT_DIR`: freshly generated with the default
//! `codegen` feature, or copied from the checked-in files beside this one
//! (after checking they match the spec) without it. This is the one place
//! generated code enters the crate; lint allowances for it are scoped here.
#![allow(
    missing_docs,
    unused_imports,
    unused_qualifications,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));

// The unguarded layer is progenitor's own behaviour, with two sanctioned
// adjustments in its `pre` hook: no `api-version` header (Plivo has no use
// for it), and each operation sent to its own server (progenitor knows one
// base URL). The guarded layer does not go through these hooks.
#[cfg(feature = "unguarded")]
impl progenitor_client::ClientHooks<crate::rt::Servers> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> std::result::Result<(), progenitor_client::Error<E>> {
        request.headers_mut().remove("api-version");
        let servers = &self.inner;
        // progenitor names an operation by its method.
        let op = crate::rt::OPERATIONS
            .iter()
            .find(|op| op.method_name == info.operation_id);
        let at = op.and_then(|op| crate::rt::SERVERS.iter().position(|s| *s == op.server));
        if let Some(server) = at.filter(|at| *at != 0).and_then(|at| servers.get(at)) {
            let url = request.url().as_str();
            if let Some(rest) = url.strip_prefix(servers[0].as_str()) {
                let moved = format!("{server}{rest}");
                if let Ok(moved) = reqwest::Url::parse(&moved) {
                    *request.url_mut() = moved;
                }
            }
        }
        Ok(())
    }
}

/// The mock's `Call` enum, one variant per spec operation.
#[cfg(feature = "mock-server")]
pub(crate) mod calls {
    include!(concat!(env!("OUT_DIR"), "/calls.rs"));
}

/// progenitor's typed httpmock helpers, path values escaped.
#[cfg(feature = "mock")]
pub(crate) mod httpmock {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}
