//! An OCI distribution API client that does one thing: find the digest a tag points to.
//!
//! `HEAD /v2/<repository>/manifests/<tag>`, accepting the OCI image index, the Docker manifest list, the OCI image
//! manifest and the Docker v2 manifest (in that order of preference), and read `Docker-Content-Digest`. When the
//! header is missing, `GET` the manifest and hash the exact bytes. The digest kept is the one the tag points to,
//! which is the multi-platform index when there is one, so a pin is right on every architecture.
//!
//! A 401 is answered once: with an anonymous (or credentialed) Bearer token from the challenge's realm, or with
//! Basic credentials. Every request of one lookup shares one deadline (`timeout`), so a silent registry costs at
//! most that long; nothing here panics or retries in a loop.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};
use ureq::Agent;
use ureq::http::{Response, StatusCode};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

use super::auth::{self, Challenge, Credentials};
use super::config::RegistryConfig;
use super::reference::{DOCKER_HUB, DOCKER_HUB_API, Reference, is_digest};

pub const MEDIA_TYPES: [&str; 4] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];

/// The largest manifest read when the digest header is missing.
const MAX_MANIFEST: u64 = 4 * 1024 * 1024;

/// Why a tag could not be resolved. Each message names the host and says what to do where there is something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("cannot connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("no answer from {host} within {}", seconds(*.after))]
    Timeout { host: String, after: Duration },
    #[error("{host} has no tag `{tag}` in `{repository}`")]
    NotFound { host: String, repository: String, tag: String },
    #[error("rate limited by {host} (HTTP 429{detail}); try again later, or log in for a higher limit")]
    RateLimited { host: String, detail: String },
    #[error("{host} refused the credentials of `{user}` (from {origin})")]
    BadCredentials { host: String, user: String, origin: String },
    #[error(
        "{host} needs credentials for `{repository}` and none are configured (docker login, or DFIX_REGISTRY_USER)"
    )]
    NeedsCredentials { host: String, repository: String },
    #[error("{host} denied access to `{repository}` (it does not exist, or needs other credentials)")]
    Denied { host: String, repository: String },
    #[error("{host} answered HTTP {status}{detail}")]
    Status { host: String, status: u16, detail: String },
    #[error("{host} answered with something that is not a registry answer: {detail}")]
    Garbage { host: String, detail: String },
    #[error("TLS with {host} failed: {detail} (a private CA goes in `ca-certificates` under [registry] in dfix.toml)")]
    Tls { host: String, detail: String },
    #[error("credentials for {host}: {detail}")]
    Credentials { host: String, detail: String },
    #[error("{0}")]
    Setup(String),
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{}s", d.as_secs()) } else { format!("{:.1}s", d.as_secs_f64()) }
}

/// Where a registry is reached: scheme and `host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: &'static str,
    pub host: String,
}

impl Endpoint {
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

pub struct Client {
    /// Through the proxy configured in the environment, if any.
    agent: Agent,
    /// Never through a proxy: for loopback registries.
    direct: Agent,
    config: RegistryConfig,
    setup_error: Option<String>,
    requests: AtomicUsize,
    credentials: Mutex<HashMap<String, Result<Option<Credentials>, String>>>,
    /// (host, repository) -> the `Authorization` header that worked.
    authorizations: Mutex<HashMap<(String, String), String>>,
}

impl Client {
    /// A client for registries configured by `config`; `config_dir` is where relative CA paths start.
    pub fn new(config: &RegistryConfig, config_dir: Option<&Path>) -> Client {
        let (tls, setup_error) = match tls_config(config, config_dir) {
            Ok(tls) => (tls, None),
            Err(e) => (TlsConfig::default(), Some(e)),
        };
        let build = |proxy_from_env: bool| -> Agent {
            let mut builder = Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(config.connect_timeout()))
                .timeout_global(Some(config.timeout()))
                .user_agent(concat!("dfix/", env!("CARGO_PKG_VERSION")))
                .max_redirects(5)
                .tls_config(tls.clone());
            if !proxy_from_env {
                builder = builder.proxy(None);
            }
            builder.build().into()
        };
        Client {
            agent: build(true),
            direct: build(false),
            config: config.clone(),
            setup_error,
            requests: AtomicUsize::new(0),
            credentials: Mutex::new(HashMap::new()),
            authorizations: Mutex::new(HashMap::new()),
        }
    }

    /// HTTP requests made so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Where `registry` is reached: its mirror if one is configured; plain HTTP for insecure and loopback hosts.
    pub fn endpoint(&self, registry: &str) -> Endpoint {
        let target = self.config.mirrors.get(registry).map(String::as_str);
        let (scheme, host) = match target {
            Some(t) => match (t.strip_prefix("https://"), t.strip_prefix("http://")) {
                (Some(h), _) => (Some("https"), h.trim_end_matches('/')),
                (_, Some(h)) => (Some("http"), h.trim_end_matches('/')),
                _ => (None, t.trim_end_matches('/')),
            },
            None if registry == DOCKER_HUB => (None, DOCKER_HUB_API),
            None => (None, registry),
        };
        let insecure = self.config.insecure.iter().any(|i| i == host || i == registry);
        let scheme = scheme.unwrap_or(if insecure || is_loopback(host) { "http" } else { "https" });
        Endpoint { scheme, host: host.to_string() }
    }

    /// The digest `reference`'s tag points to.
    pub fn resolve(&self, reference: &Reference) -> Result<String, ResolveError> {
        if let Some(e) = &self.setup_error {
            return Err(ResolveError::Setup(e.clone()));
        }
        let endpoint = self.endpoint(&reference.registry);
        let lookup = Lookup {
            client: self,
            endpoint: &endpoint,
            repository: &reference.repository,
            deadline: Instant::now() + self.config.timeout(),
        };
        lookup.run(&reference.tag)
    }

    fn agent_for(&self, host: &str) -> &Agent {
        if is_loopback(host) { &self.direct } else { &self.agent }
    }

    fn credentials(&self, host: &str) -> Result<Option<Credentials>, ResolveError> {
        let mut known = self.credentials.lock().unwrap_or_else(|e| e.into_inner());
        let found = known.entry(host.to_string()).or_insert_with(|| auth::lookup(host, self.config.timeout())).clone();
        found.map_err(|detail| ResolveError::Credentials { host: host.to_string(), detail })
    }
}

/// One tag lookup: the requests it makes share one deadline.
struct Lookup<'a> {
    client: &'a Client,
    endpoint: &'a Endpoint,
    repository: &'a str,
    deadline: Instant,
}

enum Method {
    Head,
    Get,
}

impl Lookup<'_> {
    fn host(&self) -> String {
        self.endpoint.host.clone()
    }

    fn run(&self, tag: &str) -> Result<String, ResolveError> {
        let url = format!("{}/v2/{}/manifests/{}", self.endpoint.base(), self.repository, tag);
        let key = (self.endpoint.host.clone(), self.repository.to_string());
        let known = self.client.authorizations.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        let mut authorization = known;
        let mut response = self.send(Method::Head, &url, authorization.as_deref())?;
        if response.status() == StatusCode::UNAUTHORIZED {
            let challenge = header(&response, "www-authenticate").and_then(|h| auth::parse_challenge(&h));
            let Some(challenge) = challenge else {
                return Err(ResolveError::Status {
                    host: self.host(),
                    status: 401,
                    detail: " without a usable WWW-Authenticate challenge".to_string(),
                });
            };
            let (header_value, credentials) = self.authorize(&challenge)?;
            response = self.send(Method::Head, &url, Some(&header_value))?;
            if response.status() == StatusCode::UNAUTHORIZED || response.status() == StatusCode::FORBIDDEN {
                return Err(match (credentials, challenge) {
                    (Some(c), Challenge::Basic) => {
                        ResolveError::BadCredentials { host: self.host(), user: c.username, origin: c.source }
                    }
                    _ => ResolveError::Denied { host: self.host(), repository: self.repository.to_string() },
                });
            }
            authorization = Some(header_value.clone());
            self.client.authorizations.lock().unwrap_or_else(|e| e.into_inner()).insert(key, header_value);
        }
        match response.status().as_u16() {
            200 => {}
            404 => {
                return Err(ResolveError::NotFound {
                    host: self.host(),
                    repository: self.repository.to_string(),
                    tag: tag.to_string(),
                });
            }
            429 => return Err(ResolveError::RateLimited { host: self.host(), detail: rate_limit_detail(&response) }),
            403 => return Err(ResolveError::Denied { host: self.host(), repository: self.repository.to_string() }),
            status => return Err(ResolveError::Status { host: self.host(), status, detail: String::new() }),
        }
        self.check_content_type(&response)?;
        match header(&response, "docker-content-digest") {
            Some(d) if is_digest(d.trim()) => Ok(d.trim().to_string()),
            Some(d) => Err(self.garbage(format!("Docker-Content-Digest `{}` is not a digest", truncate(&d)))),
            None => self.digest_of_body(&url, authorization.as_deref()),
        }
    }

    /// No digest header: fetch the manifest and hash its bytes.
    fn digest_of_body(&self, url: &str, authorization: Option<&str>) -> Result<String, ResolveError> {
        let mut response = self.send(Method::Get, url, authorization)?;
        if response.status() != StatusCode::OK {
            return Err(ResolveError::Status {
                host: self.host(),
                status: response.status().as_u16(),
                detail: " to GET after answering 200 to HEAD".to_string(),
            });
        }
        self.check_content_type(&response)?;
        let bytes =
            response.body_mut().with_config().limit(MAX_MANIFEST).read_to_vec().map_err(|e| self.transport(e))?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| self.garbage(format!("the manifest is not JSON ({e})")))?;
        if value.get("schemaVersion").and_then(serde_json::Value::as_u64) != Some(2) {
            return Err(self.garbage("the manifest is not an image manifest or index (no schemaVersion 2)".into()));
        }
        let digest = Sha256::digest(&bytes);
        Ok(format!("sha256:{}", hex(&digest)))
    }

    fn check_content_type(&self, response: &Response<ureq::Body>) -> Result<(), ResolveError> {
        let Some(content_type) = header(response, "content-type") else {
            return Ok(());
        };
        let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if MEDIA_TYPES.contains(&media.as_str()) || media == "application/json" {
            return Ok(());
        }
        Err(self.garbage(format!("content type `{}` is not a manifest", truncate(&content_type))))
    }

    /// Answer a challenge: the `Authorization` header to retry with, and the credentials used, if any.
    fn authorize(&self, challenge: &Challenge) -> Result<(String, Option<Credentials>), ResolveError> {
        let credentials = self.client.credentials(&self.endpoint.host)?;
        match challenge {
            Challenge::Basic => match credentials {
                Some(c) => Ok((c.basic_header(), Some(c))),
                None => {
                    Err(ResolveError::NeedsCredentials { host: self.host(), repository: self.repository.to_string() })
                }
            },
            Challenge::Bearer { realm, service, scope } => {
                let scope = scope.clone().unwrap_or_else(|| format!("repository:{}:pull", self.repository));
                let mut url = realm.clone();
                let mut sep = if url.contains('?') { '&' } else { '?' };
                for (k, v) in [("service", service.as_deref()), ("scope", Some(scope.as_str()))] {
                    if let Some(v) = v {
                        url.push_str(&format!("{sep}{k}={}", query_escape(v)));
                        sep = '&';
                    }
                }
                let realm_host = realm_host(realm).unwrap_or_default();
                let mut request = self.client.agent_for(&realm_host).get(&url);
                if let Some(c) = &credentials {
                    request = request.header("Authorization", c.basic_header());
                }
                self.client.requests.fetch_add(1, Ordering::Relaxed);
                let mut response = request
                    .config()
                    .timeout_global(Some(self.remaining()?))
                    .build()
                    .call()
                    .map_err(|e| self.transport_for(&realm_host, e))?;
                match response.status().as_u16() {
                    200 => {}
                    401 | 403 => {
                        return Err(match credentials {
                            Some(c) => {
                                ResolveError::BadCredentials { host: realm_host, user: c.username, origin: c.source }
                            }
                            None => ResolveError::Denied { host: self.host(), repository: self.repository.to_string() },
                        });
                    }
                    429 => {
                        return Err(ResolveError::RateLimited {
                            host: realm_host,
                            detail: rate_limit_detail(&response),
                        });
                    }
                    status => {
                        return Err(ResolveError::Status {
                            host: realm_host,
                            status,
                            detail: " to the token request".into(),
                        });
                    }
                }
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(1024 * 1024)
                    .read_to_vec()
                    .map_err(|e| self.transport_for(&realm_host, e))?;
                #[derive(serde::Deserialize)]
                struct Token {
                    token: Option<String>,
                    access_token: Option<String>,
                }
                let token: Token = serde_json::from_slice(&body).map_err(|e| ResolveError::Garbage {
                    host: realm_host.clone(),
                    detail: format!("the token answer is not JSON ({e})"),
                })?;
                let token = token.token.or(token.access_token).filter(|t| !t.is_empty()).ok_or_else(|| {
                    ResolveError::Garbage { host: realm_host.clone(), detail: "the token answer has no token".into() }
                })?;
                Ok((format!("Bearer {token}"), credentials))
            }
        }
    }

    fn send(
        &self,
        method: Method,
        url: &str,
        authorization: Option<&str>,
    ) -> Result<Response<ureq::Body>, ResolveError> {
        let agent = self.client.agent_for(&self.endpoint.host);
        let accept = MEDIA_TYPES.join(", ");
        let remaining = self.remaining()?;
        self.client.requests.fetch_add(1, Ordering::Relaxed);
        let result = match method {
            Method::Head => {
                let mut r = agent.head(url).header("Accept", &accept);
                if let Some(a) = authorization {
                    r = r.header("Authorization", a);
                }
                r.config().timeout_global(Some(remaining)).build().call()
            }
            Method::Get => {
                let mut r = agent.get(url).header("Accept", &accept);
                if let Some(a) = authorization {
                    r = r.header("Authorization", a);
                }
                r.config().timeout_global(Some(remaining)).build().call()
            }
        };
        result.map_err(|e| self.transport(e))
    }

    /// Time left before the deadline, or the timeout error when none is.
    fn remaining(&self) -> Result<Duration, ResolveError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ResolveError::Timeout { host: self.host(), after: self.client.config.timeout() });
        }
        Ok(left)
    }

    fn garbage(&self, detail: String) -> ResolveError {
        ResolveError::Garbage { host: self.host(), detail }
    }

    fn transport(&self, error: ureq::Error) -> ResolveError {
        self.transport_for(&self.endpoint.host, error)
    }

    fn transport_for(&self, host: &str, error: ureq::Error) -> ResolveError {
        let host = host.to_string();
        let timeout = |host| ResolveError::Timeout { host, after: self.client.config.timeout() };
        match error {
            ureq::Error::Timeout(ureq::Timeout::Connect) => ResolveError::Connect {
                host,
                detail: format!("no connection within {}", seconds(self.client.config.connect_timeout())),
            },
            ureq::Error::Timeout(_) => timeout(host),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => timeout(host),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                ResolveError::Connect { host, detail: "connection refused".into() }
            }
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                ResolveError::Garbage { host, detail: "the connection closed without an answer".into() }
            }
            // rustls reports handshake failures (an untrusted certificate, a plain-HTTP peer) as invalid data.
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData && self.endpoint.scheme == "https" => {
                ResolveError::Tls { host, detail: e.to_string() }
            }
            ureq::Error::Io(e) => ResolveError::Connect { host, detail: e.to_string() },
            ureq::Error::HostNotFound => ResolveError::Connect { host, detail: "host not found".into() },
            ureq::Error::ConnectionFailed => ResolveError::Connect { host, detail: "connection failed".into() },
            ureq::Error::Tls(e) => ResolveError::Tls { host, detail: e.to_string() },
            ureq::Error::Rustls(e) => ResolveError::Tls { host, detail: e.to_string() },
            ureq::Error::Protocol(e) => ResolveError::Garbage { host, detail: format!("not HTTP ({e})") },
            ureq::Error::BodyExceedsLimit(n) => {
                ResolveError::Garbage { host, detail: format!("the answer is larger than {n} bytes") }
            }
            ureq::Error::LargeResponseHeader(..) => {
                ResolveError::Garbage { host, detail: "the answer's headers are too large".into() }
            }
            other => ResolveError::Connect { host, detail: other.to_string() },
        }
    }
}

fn header(response: &Response<ureq::Body>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn rate_limit_detail(response: &Response<ureq::Body>) -> String {
    let mut parts = Vec::new();
    for name in ["ratelimit-remaining", "ratelimit-limit", "retry-after"] {
        if let Some(v) = header(response, name) {
            parts.push(format!("{name}: {}", truncate(&v)));
        }
    }
    if parts.is_empty() { String::new() } else { format!(", {}", parts.join(", ")) }
}

/// `127.0.0.1`, `localhost` and `::1`, with or without a port.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    name == "localhost" || name == "::1" || name.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn realm_host(realm: &str) -> Option<String> {
    let rest = realm.split_once("://")?.1;
    Some(rest.split(['/', '?']).next()?.to_string())
}

fn query_escape(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn truncate(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_control()).take(80).collect();
    if s.chars().count() > 80 {
        t.push('…');
    }
    t
}

/// The built-in Mozilla roots plus the configured CA files; the default when none are configured.
fn tls_config(config: &RegistryConfig, config_dir: Option<&Path>) -> Result<TlsConfig, String> {
    let paths = config.ca_paths(config_dir);
    if paths.is_empty() {
        return Ok(TlsConfig::default());
    }
    let mut roots: Vec<Certificate<'static>> =
        webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().map(|c| Certificate::from_der(c.as_ref())).collect();
    for path in paths {
        let pem = std::fs::read(&path)
            .map_err(|e| format!("failed to read the CA certificates in {}: {e}", path.display()))?;
        let before = roots.len();
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(PemItem::Certificate(c)) => roots.push(c),
                Ok(_) => {}
                Err(e) => return Err(format!("{}: not a PEM certificate file ({e})", path.display())),
            }
        }
        if roots.len() == before {
            return Err(format!("{}: holds no PEM certificate", path.display()));
        }
    }
    Ok(TlsConfig::builder().root_certs(RootCerts::new_with_certs(&roots)).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_mirrors_insecure_and_loopback() {
        let config: RegistryConfig = toml::from_str(
            "mirrors = { \"docker.io\" = \"127.0.0.1:5000\", \"ghcr.io\" = \"https://m.example:443/\" }\n\
             insecure = [\"lan.example:5000\"]\n",
        )
        .unwrap();
        let c = Client::new(&config, None);
        assert_eq!(c.endpoint("docker.io"), Endpoint { scheme: "http", host: "127.0.0.1:5000".into() });
        assert_eq!(c.endpoint("ghcr.io"), Endpoint { scheme: "https", host: "m.example:443".into() });
        assert_eq!(c.endpoint("lan.example:5000").scheme, "http");
        assert_eq!(c.endpoint("quay.io"), Endpoint { scheme: "https", host: "quay.io".into() });
        let plain = Client::new(&RegistryConfig::default(), None);
        assert_eq!(plain.endpoint("docker.io"), Endpoint { scheme: "https", host: DOCKER_HUB_API.into() });
        assert_eq!(plain.endpoint("localhost:5000").scheme, "http");
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1:5000"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("[::1]:5000"));
        assert!(!is_loopback("registry.example:5000"));
        assert!(!is_loopback("10.0.0.1"));
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(query_escape("repository:library/python:pull"), "repository%3Alibrary%2Fpython%3Apull");
    }

    #[test]
    fn a_missing_ca_file_is_a_setup_error() {
        let config: RegistryConfig = toml::from_str("ca-certificates = [\"/nonexistent/ca.pem\"]\n").unwrap();
        let c = Client::new(&config, None);
        let err = c.resolve(&Reference::parse("registry.example/app:1").unwrap()).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
        assert_eq!(c.requests(), 0);
    }
}
