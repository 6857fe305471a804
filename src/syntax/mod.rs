//! The syntax layer: the Dockerfile tree and its typed model, shell bodies, words and image references.

mod dockerfile;

pub use dockerfile::*;
