//! [`PhloClientBuilder`]: every setting checked at `build()`, which never
//! panics; credentials, base URL, TLS.

use std::{fmt, net::IpAddr, time::Duration};

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT, ENV_AUTH_ID, ENV_AUTH_TOKEN,
    ENV_BASE_URL, PhloClient, USER_AGENT,
};
use crate::{
    error::Error,
    handles,
    pipeline::{
        Config, Servers,
        retry::RetryPolicy,
        scrub::{REDACTED, Secrets},
    },
    values::ids::AuthId,
};

/// Builds a [`PhloClient`]. [`build`](Self::build) never panics: bad
/// configuration is an [`Error::InvalidInput`] that names the setting.
#[derive(Clone, Default)]
pub struct PhloClientBuilder {
    auth_id: Option<String>,
    auth_token: Option<SecretString>,
    base_url: Option<String>,
    server_urls: Vec<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    allow_http: bool,
    retry: RetryPolicy,
    max_body_size: Option<usize>,
    personal_data: bool,
}

impl fmt::Debug for PhloClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("PhloClientBuilder")
            .field("auth_id", &self.auth_id.as_deref().map(shown_auth_id))
            .field("auth_token", &self.auth_token.as_ref().map(|_| REDACTED))
            .field("base_url", &self.base_url)
            .field("server_urls", &self.server_urls)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("allow_http", &self.allow_http)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("record_personal_data", &self.personal_data)
            .finish()
    }
}

/// A well-formed auth_id as it is; anything else masked (it may be the
/// token, passed in the wrong place).
fn shown_auth_id(value: &str) -> String {
    if AuthId::is_valid(value) {
        value.to_string()
    } else {
        crate::values::ids::mask(value)
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

    /// Where requests go, for every server of the spec at once: e.g.
    /// `http://127.0.0.1:8080/v1` for a local mock (MockPhlo and `phlo mock`
    /// serve every operation on one address). Without it, each operation
    /// goes to its own server ([`crate::spec::SERVERS`]: the PHLO runner,
    /// [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL), and any other the spec names for an
    /// operation). Trailing slashes are dropped.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Where the operations of one of the spec's servers go: `server` is its
    /// URL as the spec gives it (one of [`crate::spec::SERVERS`], e.g.
    /// `https://phlorunner.plivo.com/v1`). Wins over
    /// [`base_url`](Self::base_url) for that server. A server the spec does
    /// not have is an error at [`build`](Self::build).
    pub fn server_url(mut self, server: impl Into<String>, url: impl Into<String>) -> Self {
        self.server_urls.push((server.into(), url.into()));
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

    /// Limit on an answer's body, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`], 1 MiB). A success body past it is an
    /// [`Error::ResponseTooLarge`] (reading stops at the limit); an error
    /// body is read up to 64 KiB at most, for its excerpt.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Lets tracing record personal data: the request path with its values
    /// (phone numbers, SIP addresses) as `url.path` on the `phlo.request`
    /// span. Off by default; turn it on only where your logs may hold them.
    pub fn record_personal_data(mut self, record: bool) -> Self {
        self.personal_data = record;
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
        let auth_id = handles::auth_id(&auth_id_raw)?;
        let token = self
            .auth_token
            .ok_or_else(|| Error::invalid("auth_token", "", "is not set"))?;
        check_token(&token)?;
        if let Some((unknown, _)) = self
            .server_urls
            .iter()
            .find(|(s, _)| !crate::spec::SERVERS.contains(&s.trim_end_matches('/')))
        {
            return Err(Error::invalid(
                "server_url",
                unknown,
                format!(
                    "is not a server of the spec; it has {:?}",
                    crate::spec::SERVERS
                ),
            ));
        }
        let mut servers = Vec::with_capacity(crate::spec::SERVERS.len());
        for spec_url in crate::spec::SERVERS {
            let chosen = self
                .server_urls
                .iter()
                .rev()
                .find(|(s, _)| s.trim_end_matches('/') == *spec_url)
                .map(|(_, url)| url.as_str())
                .or(self.base_url.as_deref())
                .unwrap_or(spec_url);
            servers.push(base_url(chosen, self.allow_http)?);
        }
        let https = servers.iter().any(|s| s.starts_with("https:"));

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

        let secrets = Secrets::new(auth_id.as_str(), &token);
        let http = tls(reqwest::Client::builder(), https)?
            .default_headers(headers)
            .user_agent(USER_AGENT)
            // Plivo does not redirect; following one would re-send a POST
            // that places calls, possibly to another host. A 3xx is an error.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| Error::invalid("http_client", "", format!("cannot be built: {e}")))?;
        let servers: Servers = servers.into();
        let config = Config {
            http,
            servers,
            auth_id,
            retry: self.retry,
            body_limit: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            secrets,
            personal_data: self.personal_data,
        };
        Ok(PhloClient::from_parts(config))
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

/// The checks [`PhloClientBuilder::build`] makes on credentials, for a
/// server that must accept only ones a client can send (`MockPhlo::serve`).
#[cfg(feature = "mock-server")]
pub(crate) fn check_credentials(auth_id: &str, token: &str) -> Result<(), Error> {
    handles::auth_id(auth_id)?;
    check_token(&SecretString::from(token))
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
    let shown = without_userinfo(raw);
    let bad = |reason: &str| Error::invalid("base_url", &shown, reason);
    // URL parsing strips tabs and newlines, encodes spaces, turns `\` into
    // `/`, resolves dot segments and maps international names: a value like
    // "…/v1\r\nX-Evil: 1" would be rewritten, not refused. Refuse instead.
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("contains whitespace or a control character"));
    }
    if raw.len() > MAX_BASE_URL {
        return Err(bad(&format!(
            "is {} bytes long; at most {MAX_BASE_URL}",
            raw.len()
        )));
    }
    if let Some(c) = raw.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(bad(&format!(
            "contains {c:?}, which URL parsing would rewrite; write an international \
             domain in its xn-- form"
        )));
    }
    if let Some(c) = raw
        .chars()
        .find(|c| matches!(c, '\\' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^'))
    {
        return Err(bad(&format!(
            "contains {c:?}, which URL parsing would rewrite"
        )));
    }
    let path = raw
        .split_once("://")
        .map_or("", |(_, rest)| rest.find('/').map_or("", |at| &rest[at..]));
    let dot_segment = path.split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        segment == "." || segment == ".."
    });
    if dot_segment {
        return Err(bad(
            "has a dot segment (`.` or `..`), which URL parsing would resolve",
        ));
    }
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

/// The longest base URL accepted, in bytes.
const MAX_BASE_URL: usize = 2048;

/// `raw` with any `user:password@` masked, for an error that repeats it:
/// everything before the last `@` (after the scheme, if any), whatever it
/// holds (a `/` in a password ends no authority here).
fn without_userinfo(raw: &str) -> String {
    let Some(at) = raw.rfind('@') else {
        return raw.to_string();
    };
    match raw.find("://") {
        Some(scheme_end) if scheme_end < at => {
            format!("{}***@{}", &raw[..scheme_end + 3], &raw[at + 1..])
        }
        _ => format!("***@{}", &raw[at + 1..]),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// TLS through rustls. The platform verifier (which loads the system's
/// roots) is set up only for an `https` base URL: a plain-http client (a
/// local mock) never makes a TLS connection (redirects are not followed),
/// so it gets a config that trusts nothing.
#[cfg(feature = "rustls")]
fn tls(builder: reqwest::ClientBuilder, https: bool) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    // The application's default provider if it installed one, else ring.
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| std::sync::Arc::new(rustls::crypto::ring::default_provider()));
    let versions =
        rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions();
    let config = if https {
        versions.and_then(|b| b.with_platform_verifier())
    } else {
        versions.map(|b| b.with_root_certificates(rustls::RootCertStore::empty()))
    };
    let config =
        config.map_err(|e| Error::invalid("tls", "rustls", format!("cannot be set up: {e}")))?;
    Ok(builder.tls_backend_preconfigured(config.with_no_client_auth()))
}

#[cfg(not(feature = "rustls"))]
fn tls(builder: reqwest::ClientBuilder, _https: bool) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
