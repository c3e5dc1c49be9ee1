//! [`PhloClient`]: the configured client every handle and operation uses.
//!
//! All of its methods are here, in one `impl`: accessors, the handles, the
//! call layers and the per-call views. The builder is in `builder.rs`.

pub(crate) mod builder;
pub(crate) mod raw;

use std::{fmt, sync::Arc, time::Duration};

use reqwest::{
    Method,
    header::{ACCEPT, HeaderValue},
};
use serde::{Serialize, de::DeserializeOwned};

pub use builder::PhloClientBuilder;

use crate::{
    error::Error,
    operations::Operations,
    pipeline::{
        self, Config, meta::ResponseMeta, options::CallOptions, retry::RetryPolicy,
        scrub::REDACTED, trace::Label,
    },
};

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
    inner: Arc<Shared>,
    /// Per-call settings of a [`with_options`](Self::with_options) view.
    options: Option<Arc<CallOptions>>,
}

/// What every view of one client shares.
struct Shared {
    /// The pool and settings every call runs with.
    config: Config,
    /// progenitor's client over a clone of the same pool.
    #[cfg(feature = "unguarded")]
    api: crate::generated::Client,
}

impl fmt::Debug for PhloClient {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("PhloClient")
            .field("auth_id", &self.inner.config.auth_id.as_str())
            .field("auth_token", &REDACTED)
            .field("servers", &self.inner.config.servers)
            .field("retry", &self.inner.config.retry)
            .field("max_body_size", &self.inner.config.body_limit)
            .field("record_personal_data", &self.inner.config.personal_data)
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
    /// which has the same methods, guarded. Feature `unguarded` (default).
    #[cfg(feature = "unguarded")]
    pub fn generated(&self) -> &crate::generated::Client {
        &self.inner.api
    }

    /// The account's auth_id.
    pub fn auth_id(&self) -> &str {
        self.inner.config.auth_id.as_str()
    }

    /// Where the document's own server (the PHLO runner) is reached,
    /// without a trailing slash: the first of [`server_urls`](Self::server_urls).
    pub fn base_url(&self) -> &str {
        &self.inner.config.servers[0]
    }

    /// Where each of the spec's servers ([`crate::spec::SERVERS`], in the
    /// same order) is reached, after the builder's overrides.
    pub fn server_urls(&self) -> &[String] {
        &self.inner.config.servers
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.config.retry
    }

    /// The answer body limit in bytes.
    pub fn max_body_size(&self) -> usize {
        self.inner.config.body_limit
    }

    #[cfg(feature = "phlo")]
    pub(crate) fn typed_auth_id(&self) -> &crate::values::ids::AuthId {
        &self.inner.config.auth_id
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn options(&self) -> Option<&CallOptions> {
        self.options.as_deref()
    }

    pub(crate) fn from_parts(config: Config) -> Self {
        // progenitor's client gets a clone of the pool (an `Arc`).
        #[cfg(feature = "unguarded")]
        let api = crate::generated::Client::new_with_client(
            &config.servers[0],
            config.http.clone(),
            config.servers.clone(),
        );
        PhloClient {
            inner: Arc::new(Shared {
                #[cfg(feature = "unguarded")]
                api,
                config,
            }),
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

    // Making one.

    /// A builder with the defaults: Plivo's URL, 30 s timeout, 10 s connect
    /// timeout, no retries.
    pub fn builder() -> PhloClientBuilder {
        PhloClientBuilder::default()
    }

    /// A client from `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN` and, if set,
    /// `PLIVO_PHLO_URL`. A missing or malformed variable is an
    /// [`Error::InvalidInput`] naming it.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env()?.build()
    }

    // Per-call views.

    /// A view of this client whose calls use `options` over the client's
    /// settings; it shares the connection pool and credentials (a clone of
    /// two `Arc`s). Every handle and layer made from it uses the options.
    ///
    /// ```no_run
    /// # async fn demo(client: plivo_phlo::PhloClient) -> Result<(), plivo_phlo::Error> {
    /// use std::time::Duration;
    /// use plivo_phlo::{CallOptions, Role};
    /// client
    ///     .with_options(CallOptions::new().timeout(Duration::from_secs(3)))
    ///     .multi_party_call("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e")
    ///     .add_user("+14152225555", Role::Agent, "+14152223333")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: CallOptions) -> PhloClient {
        self.with_call_options(Some(Arc::new(options)))
    }

    /// Runs `call` on a view of this client (its options kept) that
    /// records the answer's metadata, and returns the typed value with it:
    /// `(T, ResponseMeta)` from any layer, wrappers included. When `call`
    /// makes several requests, the metadata is the last successful one's.
    ///
    /// ```no_run
    /// # async fn demo(client: plivo_phlo::PhloClient) -> Result<(), plivo_phlo::Error> {
    /// use plivo_phlo::Role;
    /// let (answer, meta) = client
    ///     .with_response(async |c| {
    ///         c.multi_party_call("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e")
    ///             .add_user("+14152225555", Role::Agent, "+14152223333")
    ///             .await
    ///     })
    ///     .await?;
    /// assert_eq!(meta.api_id.as_deref(), Some(answer.api_id.as_str()));
    /// # Ok(()) }
    /// ```
    pub async fn with_response<T>(
        &self,
        call: impl AsyncFnOnce(&PhloClient) -> Result<T, Error>,
    ) -> Result<(T, ResponseMeta), Error> {
        let options = self.options().cloned().unwrap_or_default();
        pipeline::options::capture(
            options,
            async |options| call(&self.with_options(options)).await,
            "the call made no request through this client",
        )
        .await
    }

    /// The options of this view, if it is one.
    pub fn call_options(&self) -> Option<&CallOptions> {
        self.options()
    }

    // The call layers: the handles, every operation, a raw request.

    /// Sends a request the shipped spec does not describe, through the same
    /// pipeline as [`operations`](Self::operations): checks before any I/O,
    /// typed [`Error`]s that keep the status, a 2xx `error` refused, the
    /// retry policy by method (never a second POST), the body limit and the
    /// `phlo.request` span (with `operation_id = "request"` and this
    /// template as `path`).
    ///
    /// `template` is a path below the base URL with `{name}` placeholders,
    /// each a whole segment: `/phlo/{phlo_id}/conference_bridge/{node_id}`.
    /// `values` fill them in order; each must be an id (letters, digits,
    /// `-`, `_`) or an address (phone number or SIP URI), and goes in raw.
    /// The template is traced: a literal segment of 6 to 15 digits is
    /// refused as a phone number (pass it as a value).
    /// `body`, if any, is sent as JSON. Decode the answer as
    /// `serde_json::Value` or as your own type.
    ///
    /// ```no_run
    /// # async fn demo(client: plivo_phlo::PhloClient) -> Result<(), plivo_phlo::Error> {
    /// use plivo_phlo::reqwest::Method;
    /// let node: serde_json::Value = client
    ///     .request(
    ///         Method::GET,
    ///         "/phlo/{phlo_id}/queue/{node_id}",
    ///         &["4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "5f1e2d3c-4b5a-4969-8877-665544332211"],
    ///         None::<&()>,
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn request<T: DeserializeOwned + Send>(
        &self,
        method: Method,
        template: &str,
        values: &[&str],
        body: Option<&impl Serialize>,
    ) -> Result<T, Error> {
        let path = raw::fill(template, values)?;
        let config = self.config();
        let mut request = config
            .http
            .request(method, format!("{}{path}", self.base_url()))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = body {
            request = request.json(body);
        }
        let label = Label {
            id: "request",
            path: template,
        };
        pipeline::execute(
            config,
            self.options(),
            request.build().map_err(pipeline::unbuildable),
            label,
        )
        .await
    }
    /// The Multi-Party Call node `node_id` of PHLO `phlo_id`. Ids are checked
    /// here and reported by the first action, before any request.
    #[cfg(feature = "multi-party-call")]
    #[cfg_attr(docsrs, doc(cfg(feature = "multi-party-call")))]
    pub fn multi_party_call(&self, phlo_id: &str, node_id: &str) -> crate::MultiPartyCall {
        crate::MultiPartyCall::new(self.clone(), phlo_id, node_id)
    }
    /// The PHLO `phlo_id`: run it, retrieve it or one of its runs.
    #[cfg(feature = "phlo")]
    #[cfg_attr(docsrs, doc(cfg(feature = "phlo")))]
    pub fn phlo(&self, phlo_id: &str) -> crate::Phlo {
        crate::Phlo::new(self.clone(), phlo_id)
    }
    /// The conference-bridge node `node_id` of PHLO `phlo_id`.
    #[cfg(feature = "conference-bridge")]
    #[cfg_attr(docsrs, doc(cfg(feature = "conference-bridge")))]
    pub fn conference_bridge(&self, phlo_id: &str, node_id: &str) -> crate::ConferenceBridge {
        crate::ConferenceBridge::new(self.clone(), phlo_id, node_id)
    }
    /// Every spec operation, guarded: see [`Operations`].
    pub fn operations(&self) -> Operations<'_> {
        Operations {
            config: self.config(),
            options: self.options(),
        }
    }
}
