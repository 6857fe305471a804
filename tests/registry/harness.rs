//! A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution registry), started on
//! 127.0.0.1 with a free port, a temporary storage directory and its own configuration (never the packaged one,
//! which listens on every interface), optionally behind htpasswd Basic auth and TLS with a certificate generated
//! for the test. Images are seeded through the HTTP API with blobs and manifests built here, and each push returns
//! the sha256 of the exact bytes pushed.
//!
//! Also a tiny scripted HTTP server, for answers no real registry gives (429, garbage, silence).
//!
//! Environment: `DFIX_DOCKER_REGISTRY` names the registry binary (default `docker-registry` on `PATH`, or
//! `/usr/bin/docker-registry`); `DFIX_REQUIRE_REGISTRY=1` turns a missing binary from a loud skip into a failure.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    format!("sha256:{}", d.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Prints past the test harness's capture, so skip notices show in CI logs.
pub fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

fn required() -> bool {
    std::env::var("DFIX_REQUIRE_REGISTRY").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The registry binary, or `None` after a loud skip notice (a panic when `DFIX_REQUIRE_REGISTRY=1`).
pub fn binary() -> Option<PathBuf> {
    let named = std::env::var_os("DFIX_DOCKER_REGISTRY").map(PathBuf::from);
    let on_path = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join("docker-registry")).find(|p| p.is_file()));
    let found = named.or(on_path).or_else(|| Some(PathBuf::from("/usr/bin/docker-registry")).filter(|p| p.is_file()));
    if found.is_none() {
        let what = "docker-registry not found (apt-get install docker-registry, or set DFIX_DOCKER_REGISTRY)";
        if required() {
            panic!("{what}; required because DFIX_REQUIRE_REGISTRY is set");
        }
        let bar = "!".repeat(78);
        say(&format!("\n{bar}\n!! SKIPPED: {what}\n!! (set DFIX_REQUIRE_REGISTRY=1 to make this an error)\n{bar}\n"));
    }
    found
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[derive(Default, Clone)]
pub struct Options {
    pub tls: bool,
    /// User and password for htpasswd Basic auth.
    pub htpasswd: Option<(String, String)>,
}

pub struct Registry {
    child: Child,
    pub addr: String,
    pub scheme: &'static str,
    pub dir: tempfile::TempDir,
    /// The CA that signed the registry's certificate (with TLS).
    pub ca: Option<PathBuf>,
    auth: Option<String>,
    agent: ureq::Agent,
    log: PathBuf,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    /// Start a registry, or `None` (after a skip notice) when the binary is missing.
    pub fn start(options: Options) -> Option<Registry> {
        let binary = binary()?;
        let mut last_error = String::new();
        // A free port can be taken between the check and the start: try a few.
        for _ in 0..5 {
            let port = free_port();
            match Self::start_on(&binary, port, &options) {
                Ok(r) => return Some(r),
                Err(e) => last_error = e,
            }
        }
        panic!("docker-registry did not start: {last_error}");
    }

    fn start_on(binary: &Path, port: u16, options: &Options) -> Result<Registry, String> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let root = root.as_path();
        let addr = format!("127.0.0.1:{port}");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    \
             rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n  secret: dfix-test\n",
            root.join("data").display()
        );
        let mut ca = None;
        if options.tls {
            let (ca_path, cert, key) = certificates(root);
            config.push_str(&format!("  tls:\n    certificate: {}\n    key: {}\n", cert.display(), key.display()));
            ca = Some(ca_path);
        }
        let mut auth = None;
        if let Some((user, password)) = &options.htpasswd {
            let out = Command::new("htpasswd")
                .args(["-Bbn", user, password])
                .output()
                .map_err(|e| format!("htpasswd (apache2-utils) is needed for the auth registry: {e}"))?;
            assert!(out.status.success(), "htpasswd failed: {}", String::from_utf8_lossy(&out.stderr));
            let path = root.join("htpasswd");
            std::fs::write(&path, &out.stdout).unwrap();
            config.push_str(&format!("auth:\n  htpasswd:\n    realm: dfix-test\n    path: {}\n", path.display()));
            auth = Some(format!(
                "Basic {}",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{user}:{password}"))
            ));
        }
        let config_path = root.join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let log = root.join(format!("access-{port}.log"));
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(root.join(format!("error-{port}.log"))).unwrap())
            .spawn()
            .map_err(|e| format!("failed to run {}: {e}", binary.display()))?;
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(ca) = &ca {
            let pem = std::fs::read(ca).unwrap();
            let cert = ureq::tls::Certificate::from_pem(&pem).unwrap();
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(10)))
            .tls_config(tls.build())
            .build()
            .into();
        let scheme = if options.tls { "https" } else { "http" };
        let mut registry = Registry { child, addr: addr.clone(), scheme, dir, ca, auth, agent, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = registry.child.try_wait() {
                let errors = std::fs::read_to_string(root.join(format!("error-{port}.log"))).unwrap_or_default();
                return Err(format!("exited with {status}: {errors}"));
            }
            let ok = registry
                .agent
                .get(&format!("{scheme}://{addr}/v2/"))
                .call()
                .is_ok_and(|r| matches!(r.status().as_u16(), 200 | 401));
            if ok {
                break;
            }
            if Instant::now() > deadline {
                return Err("not answering on /v2/ after 20s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(registry)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    fn authorized<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.auth {
            Some(a) => request.header("Authorization", a),
            None => request,
        }
    }

    /// Upload a blob (POST, then PUT with the digest); returns its digest.
    pub fn push_blob(&self, repository: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let start = self.authorized(self.agent.post(&self.url(&format!("/v2/{repository}/blobs/uploads/"))));
        let response = start.send_empty().unwrap();
        assert_eq!(response.status().as_u16(), 202, "blob upload start for {repository}");
        let location = response.headers().get("location").unwrap().to_str().unwrap().to_string();
        let location = if location.starts_with("http") { location } else { self.url(&location) };
        let sep = if location.contains('?') { '&' } else { '?' };
        let put = self.authorized(self.agent.put(&format!("{location}{sep}digest={digest}")));
        let response = put.header("Content-Type", "application/octet-stream").send(bytes).unwrap();
        assert_eq!(response.status().as_u16(), 201, "blob upload for {repository}");
        digest
    }

    /// Upload a manifest under a tag or its digest; returns the digest of exactly these bytes.
    pub fn push_manifest(&self, repository: &str, reference: &str, media_type: &str, bytes: &[u8]) -> String {
        let put = self.authorized(self.agent.put(&self.url(&format!("/v2/{repository}/manifests/{reference}"))));
        let mut response = put.header("Content-Type", media_type).send(bytes).unwrap();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        assert_eq!(status, 201, "manifest upload for {repository}:{reference}: {body}");
        let digest = sha256(bytes);
        let header = response.headers().get("docker-content-digest").map(|v| v.to_str().unwrap().to_string());
        if let Some(h) = header {
            assert_eq!(h, digest, "the registry's digest of the manifest");
        }
        digest
    }

    /// A single-platform image manifest (`oci` or Docker v2) with a config and one layer; returns (digest, bytes).
    pub fn push_image(&self, repository: &str, reference: &str, oci: bool, arch: &str) -> (String, Vec<u8>) {
        let layer = format!("layer of {repository}:{reference} for {arch}").into_bytes();
        let layer_digest = self.push_blob(repository, &layer);
        let config = format!(
            r#"{{"architecture":"{arch}","os":"linux","rootfs":{{"type":"layers","diff_ids":["{layer_digest}"]}},"config":{{}}}}"#
        )
        .into_bytes();
        let config_digest = self.push_blob(repository, &config);
        let (media, config_media, layer_media) = if oci {
            (OCI_MANIFEST, "application/vnd.oci.image.config.v1+json", "application/vnd.oci.image.layer.v1.tar+gzip")
        } else {
            (
                DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
            )
        };
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{media}","config":{{"mediaType":"{config_media}","size":{},"digest":"{config_digest}"}},"layers":[{{"mediaType":"{layer_media}","size":{},"digest":"{layer_digest}"}}]}}"#,
            config.len(),
            layer.len()
        )
        .into_bytes();
        let digest = self.push_manifest(repository, reference, media, &manifest);
        (digest, manifest)
    }

    /// A multi-platform index (OCI) or manifest list (Docker) over amd64 and arm64 images; returns its digest.
    pub fn push_index(&self, repository: &str, tag: &str, oci: bool) -> String {
        let mut entries = Vec::new();
        for arch in ["amd64", "arm64"] {
            let (digest, bytes) = self.push_image(repository, &format!("{tag}-{arch}"), oci, arch);
            let media = if oci { OCI_MANIFEST } else { DOCKER_MANIFEST };
            entries.push(format!(
                r#"{{"mediaType":"{media}","size":{},"digest":"{digest}","platform":{{"architecture":"{arch}","os":"linux"}}}}"#,
                bytes.len()
            ));
        }
        let media = if oci { OCI_INDEX } else { DOCKER_LIST };
        let index = format!(r#"{{"schemaVersion":2,"mediaType":"{media}","manifests":[{}]}}"#, entries.join(","));
        self.push_manifest(repository, tag, media, index.as_bytes())
    }

    /// Manifest requests (HEAD or GET) the registry has logged for `repository:tag`.
    pub fn manifest_requests(&self, repository: &str, tag: &str) -> usize {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let needle = format!("/v2/{repository}/manifests/{tag} ");
        text.lines().filter(|l| l.contains(&needle) && (l.contains("\"HEAD ") || l.contains("\"GET "))).count()
    }

    /// Every manifest request the registry has logged.
    pub fn all_manifest_requests(&self) -> usize {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().filter(|l| l.contains("/manifests/") && (l.contains("\"HEAD ") || l.contains("\"GET "))).count()
    }
}

/// A CA and a certificate for 127.0.0.1 and localhost signed by it, made with the `openssl` command.
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl is installed");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=dfix test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n\
         subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server.key"))
}

/// A scripted HTTP server on 127.0.0.1: `answer` gets the request line and the header lines (lowercased) and
/// returns the raw bytes to send back (`None`: accept and stay silent until the server is dropped).
pub struct Scripted {
    pub addr: String,
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    held: Arc<Mutex<Vec<TcpStream>>>,
}

impl Scripted {
    pub fn start(answer: impl Fn(&str, &str) -> Option<Vec<u8>> + Send + Sync + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        listener.set_nonblocking(true).unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let held = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        {
            let (requests, stop, held) = (requests.clone(), stop.clone(), held.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok((stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    };
                    let (requests, held, answer) = (requests.clone(), held.clone(), answer.clone());
                    std::thread::spawn(move || serve(stream, &requests, &held, &*answer));
                }
            });
        }
        Scripted { addr, requests, stop, held }
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.held.lock().unwrap().clear();
    }
}

type Answer = dyn Fn(&str, &str) -> Option<Vec<u8>>;

fn serve(stream: TcpStream, requests: &AtomicUsize, held: &Mutex<Vec<TcpStream>>, answer: &Answer) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut headers = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            headers.push_str(&lower);
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        requests.fetch_add(1, Ordering::Relaxed);
        match answer(request_line.trim_end(), &headers) {
            Some(bytes) => {
                let mut s = &stream;
                let _ = s.write_all(&bytes);
                let _ = s.flush();
            }
            None => {
                held.lock().unwrap().push(stream);
                return;
            }
        }
    }
}

/// An HTTP/1.1 response with a body (no body is sent for HEAD requests by the caller's choice of `body`).
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}
