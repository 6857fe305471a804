//! Credentials and authentication challenges.
//!
//! Credentials come, for a registry host, from (in order):
//! 1. Docker's client configuration, `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`: a per-registry
//!    helper (`credHelpers`), a base64 `user:password` in `auths.<host>.auth`, then the default helper
//!    (`credsStore`). A helper is the program `docker-credential-<name>`, run as `get` with the server on stdin.
//! 2. `DFIX_REGISTRY_USER` and `DFIX_REGISTRY_PASSWORD`, for CI. `DFIX_REGISTRY_HOST` (comma-separated hosts)
//!    limits them to those registries; without it they are offered to any registry that asks.
//!
//! Credentials are only looked up when a registry answers 401, and only sent to that registry (or to the token
//! service its challenge names).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;

use super::reference::{DOCKER_HUB, DOCKER_HUB_API};

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// Where they came from, for messages (`~/.docker/config.json`, `DFIX_REGISTRY_USER`).
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).field("source", &self.source).finish()
    }
}

impl Credentials {
    pub fn basic_header(&self) -> String {
        let pair = format!("{}:{}", self.username, self.password);
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    }
}

/// A `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    Bearer { realm: String, service: Option<String>, scope: Option<String> },
}

/// Parse `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"`.
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let params = parse_params(rest);
    let get = |k: &str| params.iter().find(|(name, _)| name.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone());
    Some(Challenge::Bearer { realm: get("realm")?, service: get("service"), scope: get("scope") })
}

/// `key="value", key2=value2` (quoted values may hold commas and escaped quotes).
fn parse_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.is_empty() || chars.next() != Some('=') {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect::<String>().trim().to_string();
        }
        out.push((key.trim().to_string(), value));
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: std::collections::BTreeMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

/// Where Docker's client configuration lives.
pub fn docker_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join(".docker/config.json"))
}

/// The names a registry goes by in Docker's configuration, most specific first.
fn server_names(host: &str) -> Vec<String> {
    if host == DOCKER_HUB || host == DOCKER_HUB_API || host == "index.docker.io" {
        return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"]
            .map(String::from)
            .to_vec();
    }
    vec![host.to_string(), format!("https://{host}"), format!("http://{host}")]
}

/// A key of `auths` / `credHelpers` reduced to its host (`https://host/v1/` -> `host`).
fn key_host(key: &str) -> &str {
    let key = key.strip_prefix("https://").or_else(|| key.strip_prefix("http://")).unwrap_or(key);
    key.split('/').next().unwrap_or(key)
}

/// Credentials for `host`, or `Ok(None)` when none are configured. `Err` describes a configuration or helper that
/// exists but could not be used.
pub fn lookup(host: &str, helper_timeout: Duration) -> Result<Option<Credentials>, String> {
    if let Some(found) = from_docker_config(host, helper_timeout)? {
        return Ok(Some(found));
    }
    Ok(from_env(host))
}

fn from_env(host: &str) -> Option<Credentials> {
    let user = std::env::var("DFIX_REGISTRY_USER").ok().filter(|u| !u.is_empty())?;
    let password = std::env::var("DFIX_REGISTRY_PASSWORD").unwrap_or_default();
    if let Ok(hosts) = std::env::var("DFIX_REGISTRY_HOST")
        && !hosts.trim().is_empty()
        && !hosts.split(',').map(str::trim).any(|h| h == host || server_names(host).iter().any(|n| n == h))
    {
        return None;
    }
    Some(Credentials { username: user, password, source: "DFIX_REGISTRY_USER".to_string() })
}

fn from_docker_config(host: &str, helper_timeout: Duration) -> Result<Option<Credentials>, String> {
    let Some(path) = docker_config_path() else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("failed to read {}: {e}", path.display())),
    };
    let config: DockerConfig =
        serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    let shown = path.display().to_string();
    let names = server_names(host);
    let matches = |key: &String| names.iter().any(|n| n == key) || names.iter().any(|n| key_host(n) == key_host(key));

    if let Some((_, helper)) = config.cred_helpers.iter().find(|(k, _)| matches(k)) {
        return run_helper(helper, &names[0], helper_timeout);
    }
    if let Some((_, entry)) = config.auths.iter().find(|(k, _)| matches(k)) {
        if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| format!("{shown}: auths.\"{host}\".auth is not base64 of `user:password`"))?;
            let (username, password) = decoded
                .split_once(':')
                .ok_or_else(|| format!("{shown}: auths.\"{host}\".auth is not base64 of `user:password`"))?;
            return Ok(Some(Credentials {
                username: username.to_string(),
                password: password.to_string(),
                source: shown,
            }));
        }
        if let (Some(username), Some(password)) = (&entry.username, &entry.password) {
            return Ok(Some(Credentials { username: username.clone(), password: password.clone(), source: shown }));
        }
    }
    if let Some(store) = config.creds_store.as_deref().filter(|s| !s.is_empty()) {
        return run_helper(store, &names[0], helper_timeout);
    }
    Ok(None)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    username: String,
    secret: String,
}

/// `docker-credential-<name> get`, with the server on stdin. A helper that has nothing for the server (it says so
/// and exits non-zero) gives `Ok(None)`.
fn run_helper(name: &str, server: &str, timeout: Duration) -> Result<Option<Credentials>, String> {
    let program = format!("docker-credential-{name}");
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("failed to run credential helper `{program}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server.as_bytes());
    }
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("credential helper `{program}` gave no answer within {}s", timeout.as_secs()));
            }
            Err(e) => return Err(format!("credential helper `{program}`: {e}")),
        }
    };
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if !status.success() {
        // "credentials not found in native keychain": nothing stored for this server.
        return Ok(None);
    }
    let answer: HelperAnswer = serde_json::from_str(&stdout)
        .map_err(|e| format!("credential helper `{program}` printed something that is not its JSON answer: {e}"))?;
    if answer.username == "<token>" {
        return Err(format!(
            "credential helper `{program}` holds an identity token for {server}, which dfix cannot use; set \
             DFIX_REGISTRY_USER and DFIX_REGISTRY_PASSWORD instead"
        ));
    }
    Ok(Some(Credentials { username: answer.username, password: answer.secret, source: program }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        assert_eq!(
            parse_challenge(
                r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:library/python:pull""#
            ),
            Some(Challenge::Bearer {
                realm: "https://auth.example/token".into(),
                service: Some("registry.example".into()),
                scope: Some("repository:library/python:pull".into()),
            })
        );
        assert_eq!(parse_challenge(r#"Basic realm="Registry Realm""#), Some(Challenge::Basic));
        assert_eq!(
            parse_challenge(r#"bearer realm=http://h/t, service="a,b""#),
            Some(Challenge::Bearer { realm: "http://h/t".into(), service: Some("a,b".into()), scope: None })
        );
        assert_eq!(parse_challenge("Negotiate"), None);
        assert_eq!(parse_challenge("Bearer service=x"), None);
    }

    #[test]
    fn docker_hub_goes_by_several_names() {
        assert_eq!(server_names("docker.io")[0], "https://index.docker.io/v1/");
        assert_eq!(key_host("https://index.docker.io/v1/"), "index.docker.io");
        assert_eq!(key_host("ghcr.io"), "ghcr.io");
    }
}
