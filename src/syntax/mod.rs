//! The syntax layer: the Dockerfile tree and its typed model, shell bodies, words and image references.

mod dockerfile;
pub mod image;
pub mod mapped;
pub mod shell;
pub mod words;

pub use dockerfile::*;
pub use image::ImageRef;
pub use mapped::MappedText;
pub use shell::{Command, ShellScript, ShellWord};
