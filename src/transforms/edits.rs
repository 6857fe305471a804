//! Shared edit builders, so transforms keep the file's conventions (line endings, casing, continuation style).
