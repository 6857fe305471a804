//! dfix rewrites Dockerfiles to make the images they build smaller and safer, without breaking them.
//!
//! The pipeline: [`syntax`] reads a Dockerfile into a concrete syntax tree and a typed model; [`transforms`]
//! propose [`fix::Fix`]es; [`engine`] applies them to a fixed point with a re-parse guard; the command line
//! ([`cli`]) finds files, and writes diffs, fixed files or summaries.

pub mod config;
pub mod engine;
pub mod fix;
pub mod knowledge;
pub mod syntax;
pub mod transforms;
