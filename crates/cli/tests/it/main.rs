#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests of the `ferroflux` binary.
//!
//! - `cli`: version, help, and the commands that are not available yet failing clearly.
//! - `get`: `ferroflux get` against a stub API server answering with Flux objects.

mod cli;
mod get;
mod stub;
