//! [`PhloClient`]: the configured client every handle and operation uses.
//!
//! Its methods live beside what they make (as aws-sdk-rust puts each
//! operation's `impl Client` in the operation's module), so no import runs in
//! a circle. The map:
//!
//! | method | file |
//! |---|---|
//! | `builder`, `from_env` | `builder.rs` |
//! | `multi_party_call` | `mpc.rs` |
//! | `conference_bridge` | `conference.rs` |
//! | `phlo` | `phlo.rs` |
//! | `operations` | `operations.rs` |
//! | `request` | `request.rs` |
//! | `with_options`, `with_response` | `options.rs` |
//! | `generated`, `auth_id`, `base_url`, `server_urls`, `retry_policy`, `max_body_size` | here |

use std::{fmt, sync::Arc, time::Duration};

use crate::{generated, ids::AuthId, options::CallOptions, retry::RetryPolicy, scrub::Secrets};

/// Plivo's PHLO runner.
pub const DEFAULT_BASE_URL: &str = "https://phlorunner.plivo.com/v1";
/// Default limit on one whole request, connect to last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on establishing a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("plivo-phlo-rust/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the auth_id.
pub const ENV_AUTH_ID: &str = "PLIVO_AUTH_ID";
/// Environment variable holding the auth_token.
pub const ENV_AUTH_TOKEN: &str = "PLIVO_AUTH_TOKEN";
/// Optional environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "PLIVO_PHLO_URL";
/// Default limit on an answer's body (1 MiB); Plivo's answers are under 1 KiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;

use crate::scrub::REDACTED;

impl PhloClient {
    pub(crate) fn from_parts(inner: Inner) -> Self {
        PhloClient {
            inner: Arc::new(inner),
            options: None,
        }
    }

    /// This client's pool and settings with `options` over them.
    pub(crate) fn with_call_options(&self, options: Option<Arc<CallOptions>>) -> Self {
        PhloClient {
            inner: self.inner.clone(),
            options,
        }
    }

    pub(crate) fn options(&self) -> Option<&CallOptions> {
        self.options.as_deref()
    }
}

/// A client for Plivo's PHLO runtime API. Cheap to clone; clones share one
/// connection pool. [`with_options`](Self::with_options) makes a view with
/// per-call settings over the same pool.
///
/// ```no_run
/// # async fn demo() -> Result<(), plivo_phlo::Error> {
/// use plivo_phlo::{PhloClient, Role};
/// let client = PhloClient::from_env()?;
/// client
///     .multi_party_call("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e")
///     .add_user("+14152225555", Role::Agent, "+14152223333")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PhloClient {
    inner: Arc<Inner>,
    /// Per-call settings of a [`with_options`](Self::with_options) view.
    options: Option<Arc<CallOptions>>,
}

/// The URL of each of the spec's servers ([`crate::spec::SERVERS`], in
/// order), after the builder's overrides: where each operation goes.
pub(crate) type Servers = Arc<[String]>;

pub(crate) struct Inner {
    pub(crate) api: generated::Client,
    pub(crate) servers: Servers,
    pub(crate) auth_id: AuthId,
    pub(crate) retry: RetryPolicy,
    pub(crate) body_limit: usize,
    pub(crate) secrets: Secrets,
    pub(crate) personal_data: bool,
}

impl Inner {
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.api.client
    }
}

impl fmt::Debug for PhloClient {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("PhloClient")
            .field("auth_id", &self.inner.auth_id.as_str())
            .field("auth_token", &REDACTED)
            .field("servers", &self.inner.servers)
            .field("retry", &self.inner.retry)
            .field("max_body_size", &self.inner.body_limit)
            .field("record_personal_data", &self.inner.personal_data)
            .field("call_options", &self.options)
            .finish()
    }
}

impl PhloClient {
    /// The unguarded layer: progenitor's generated client, every operation
    /// in `spec/phlo.yaml` with this client's credentials, timeouts and user
    /// agent, and nothing else. It returns progenitor's error type, keeps no
    /// status for an unexpected body, takes a 2xx `error` for success, does
    /// not retry, cap bodies or trace. Prefer [`operations`](Self::operations),
    /// which has the same methods, guarded.
    pub fn generated(&self) -> &generated::Client {
        &self.inner.api
    }

    /// The account's auth_id.
    pub fn auth_id(&self) -> &str {
        self.inner.auth_id.as_str()
    }

    /// Where the document's own server (the PHLO runner) is reached,
    /// without a trailing slash: the first of [`server_urls`](Self::server_urls).
    pub fn base_url(&self) -> &str {
        &self.inner.servers[0]
    }

    /// Where each of the spec's servers ([`crate::spec::SERVERS`], in the
    /// same order) is reached, after the builder's overrides.
    pub fn server_urls(&self) -> &[String] {
        &self.inner.servers
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The answer body limit in bytes.
    pub fn max_body_size(&self) -> usize {
        self.inner.body_limit
    }

    pub(crate) fn typed_auth_id(&self) -> &AuthId {
        &self.inner.auth_id
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}
