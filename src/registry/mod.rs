//! The OCI registry client: from an image reference to the digest its tag points to.
//!
//! - [`reference`]: Docker's reference normalisation (`python` is `docker.io/library/python:latest`).
//! - [`client`]: the distribution API (`HEAD /v2/<repository>/manifests/<tag>`), tokens, timeouts, errors.
//! - [`auth`]: credentials from Docker's configuration, credential helpers and the environment.
//! - [`cache`] and [`lock`]: digests known from earlier runs, for `--offline` and reproducible CI.
//! - [`resolve`]: many references at once, each once, in parallel with a bound; the [`Resolutions`] map that
//!   the `pin-digest` transform reads.
//!
//! Nothing here runs inside the fix engine: the command line resolves every reference before fixing, so
//! transforms stay pure and the engine's fixed-point loop never waits on the network.

pub mod auth;
pub mod cache;
pub mod client;
pub mod config;
pub mod lock;
pub mod reference;
pub mod resolve;

pub use config::RegistryConfig;
pub use reference::Reference;
pub use resolve::{Origin, Resolution, Resolutions};
