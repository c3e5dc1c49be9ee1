//! [`PhloClient`] and its builder: credentials, base URL, timeouts, user agent.

use std::{fmt, net::IpAddr, sync::Arc, time::Duration};

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    address,
    conference::ConferenceBridge,
    error::Error,
    generated::{self, types},
    mpc::MultiPartyCall,
    phlo::Phlo,
    retry::RetryPolicy,
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

const REDACTED: &str = "** redacted **";

/// A client for Plivo's PHLO runtime API. Cheap to clone; clones share one
/// connection pool.
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
}

struct Inner {
    api: generated::Client,
    auth_id: types::AuthId,
    base_url: String,
    retry: RetryPolicy,
}

impl fmt::Debug for PhloClient {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("PhloClient")
            .field("auth_id", &self.inner.auth_id.as_str())
            .field("auth_token", &REDACTED)
            .field("base_url", &self.inner.base_url)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl PhloClient {
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

    /// The Multi-Party Call node `node_id` of PHLO `phlo_id`. Ids are checked
    /// here and reported by the first action, before any request.
    pub fn multi_party_call(&self, phlo_id: &str, node_id: &str) -> MultiPartyCall {
        MultiPartyCall::new(self.clone(), phlo_id, node_id)
    }

    /// The conference-bridge node `node_id` of PHLO `phlo_id`.
    pub fn conference_bridge(&self, phlo_id: &str, node_id: &str) -> ConferenceBridge {
        ConferenceBridge::new(self.clone(), phlo_id, node_id)
    }

    /// The PHLO `phlo_id`: run it, retrieve it or one of its runs.
    pub fn phlo(&self, phlo_id: &str) -> Phlo {
        Phlo::new(self.clone(), phlo_id)
    }

    /// The full progenitor-generated client: every operation in
    /// `spec/phlo.yaml`, with this client's credentials, timeouts and user
    /// agent, and no wrapper (and no retries) in between.
    pub fn generated(&self) -> &generated::Client {
        &self.inner.api
    }

    /// The account's auth_id.
    pub fn auth_id(&self) -> &str {
        self.inner.auth_id.as_str()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn typed_auth_id(&self) -> &types::AuthId {
        &self.inner.auth_id
    }
}

/// Builds a [`PhloClient`]. [`build`](Self::build) never panics: bad
/// configuration is an [`Error::InvalidInput`] that names the setting.
#[derive(Clone, Default)]
pub struct PhloClientBuilder {
    auth_id: Option<String>,
    auth_token: Option<SecretString>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    allow_http: bool,
    retry: RetryPolicy,
}

impl fmt::Debug for PhloClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("PhloClientBuilder")
            .field("auth_id", &self.auth_id)
            .field("auth_token", &self.auth_token.as_ref().map(|_| REDACTED))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("allow_http", &self.allow_http)
            .field("retry", &self.retry)
            .finish()
    }
}

impl PhloClientBuilder {
    /// The account's auth_id and auth_token (HTTP Basic).
    pub fn credentials(
        mut self,
        auth_id: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Self {
        self.auth_id = Some(auth_id.into());
        self.auth_token = Some(SecretString::from(auth_token.into()));
        self
    }

    /// Reads `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN` and, if set, `PLIVO_PHLO_URL`.
    pub fn from_env(mut self) -> Result<Self, Error> {
        let auth_id = env_var(ENV_AUTH_ID, false)?;
        let token = env_var(ENV_AUTH_TOKEN, true)?;
        self = self.credentials(auth_id, token);
        if let Some(url) = std::env::var_os(ENV_BASE_URL) {
            let url = url.into_string().map_err(|v| {
                Error::invalid(ENV_BASE_URL, &v.to_string_lossy(), "is not valid UTF-8")
            })?;
            self = self.base_url(url);
        }
        Ok(self)
    }

    /// Where requests go, e.g. `http://127.0.0.1:8080/v1` for a local mock.
    /// Default [`DEFAULT_BASE_URL`]; trailing slashes are dropped.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Limit on one whole request (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limit on establishing a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Allows a plain `http://` base URL on a non-loopback host. Off by
    /// default: credentials would cross the network in clear text. Loopback
    /// hosts (`127.0.0.0/8`, `::1`, `localhost`) are always allowed.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Retries (off by default); see [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<PhloClient, Error> {
        let auth_id_raw = self.auth_id.ok_or_else(|| {
            Error::invalid(
                "auth_id",
                "",
                "is not set; call credentials() or from_env()",
            )
        })?;
        let auth_id = address::auth_id(&auth_id_raw)?;
        let token = self
            .auth_token
            .ok_or_else(|| Error::invalid("auth_token", "", "is not set"))?;
        check_token(&token)?;
        let base_url = base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_http,
        )?;

        let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            auth_id.as_str(),
            token.expose_secret()
        ));
        let mut auth = HeaderValue::try_from(format!("Basic {credentials}"))
            .map_err(|_| Error::invalid("auth_token", REDACTED, "is not a valid header value"))?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);

        let http = tls(reqwest::Client::builder())?
            .default_headers(headers)
            .user_agent(USER_AGENT)
            // Plivo does not redirect; following one would re-send a POST
            // that places calls, possibly to another host. A 3xx is an error.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| Error::invalid("http_client", "", format!("cannot be built: {e}")))?;
        let api = generated::Client::new_with_client(&base_url, http);
        Ok(PhloClient {
            inner: Arc::new(Inner {
                api,
                auth_id,
                base_url,
                retry: self.retry,
            }),
        })
    }
}

fn env_var(name: &'static str, secret: bool) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err(Error::invalid(name, "", "is set but empty")),
        Err(std::env::VarError::NotPresent) => Err(Error::invalid(name, "", "is not set")),
        Err(std::env::VarError::NotUnicode(v)) => Err(Error::invalid(
            name,
            &if secret {
                REDACTED.into()
            } else {
                v.to_string_lossy().into_owned()
            },
            "is not valid UTF-8",
        )),
    }
}

fn check_token(token: &SecretString) -> Result<(), Error> {
    let t = token.expose_secret();
    if t.is_empty() {
        return Err(Error::invalid("auth_token", "", "is empty"));
    }
    if t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid(
            "auth_token",
            REDACTED,
            "contains whitespace or a control character",
        ));
    }
    Ok(())
}

/// Checks and normalises the base URL: http(s), a host, no query, fragment
/// or credentials; `http` only on loopback unless allowed.
fn base_url(raw: &str, allow_http: bool) -> Result<String, Error> {
    let bad = |reason: &str| Error::invalid("base_url", raw, reason);
    let trimmed = raw.trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    let host = url.host_str().ok_or_else(|| bad("has no host"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials; use credentials()"));
    }
    match url.scheme() {
        "https" if cfg!(not(any(feature = "rustls", feature = "native-tls"))) => {
            return Err(bad(
                "is https, but this build has no TLS: enable the rustls or native-tls feature",
            ));
        }
        "https" => {}
        "http" if allow_http || is_loopback(host) => {}
        "http" => {
            return Err(bad(
                "is plain http on a non-loopback host; the credentials would travel in clear text \
                 (use https, or allow_http(true) if you really mean it)",
            ));
        }
        other => return Err(bad(&format!("has scheme {other:?}; expected https"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(feature = "rustls")]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    // The application's default provider if it installed one, else ring.
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier());
    let config =
        config.map_err(|e| Error::invalid("tls", "rustls", format!("cannot be set up: {e}")))?;
    Ok(builder.tls_backend_preconfigured(config.with_no_client_auth()))
}

#[cfg(not(feature = "rustls"))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
