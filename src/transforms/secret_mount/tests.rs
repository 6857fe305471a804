//! Unit tests of the helpers; behaviour is tested by `corpus/secret-mount/`.

use super::files::secret_id;
use super::paths::{absolute, normalize};
use super::supports_env;
use super::variables::{is_reference_to, mentions_variable};
use crate::syntax::Dockerfile;

#[test]
fn syntax_versions_with_env_secrets() {
    for yes in [
        "docker/dockerfile:1",
        "docker/dockerfile:1.10",
        "docker/dockerfile:1.12-labs",
        "docker.io/docker/dockerfile:1@sha256:ab",
    ] {
        assert!(supports_env(yes), "{yes}");
    }
    for no in ["docker/dockerfile:1.4", "docker/dockerfile:1.9.0", "example.com/frontend:1", "docker/dockerfile"] {
        assert!(!supports_env(no), "{no}");
    }
}

#[test]
fn variables_paths_and_ids() {
    assert!(mentions_variable("echo $NPM_TOKEN;", "NPM_TOKEN"));
    assert!(mentions_variable("x=${NPM_TOKEN:-}", "NPM_TOKEN"));
    assert!(!mentions_variable("echo $NPM_TOKEN_X ${NPM_TOKENS}", "NPM_TOKEN"));
    assert!(is_reference_to("\"${A}\"", "A") && !is_reference_to("x$A", "A"));
    assert_eq!(normalize("/app/./x//y/../z"), "/app/x/z");
    assert_eq!(secret_id(".aws/credentials"), "aws_credentials");
    assert_eq!(secret_id("./.npmrc"), "npmrc");
    let f =
        Dockerfile::parse("FROM scratch AS a\nWORKDIR /app\nWORKDIR src\nFROM a\nCOPY x y\nFROM debian\nCOPY x y\n");
    assert_eq!(absolute(&f, 4, ".npmrc").as_deref(), Some("/app/src/.npmrc"));
    assert_eq!(absolute(&f, 6, ".npmrc"), None);
    assert_eq!(absolute(&f, 6, "/root/.npmrc").as_deref(), Some("/root/.npmrc"));
}
