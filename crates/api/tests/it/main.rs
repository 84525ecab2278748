#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests of ferroflux-api.
//!
//! - `crds`: the generated CRDs equal Flux's released ones field for field, and the
//!   committed files in config/crd/bases are up to date.
//! - `kubectl`: `kubectl apply --dry-run=client --validate=strict` accepts every generated CRD.
//! - `roundtrip`: Flux YAML (the scenario examples and the Flux docs' examples) deserializes
//!   into our types and serializes back without losing a field.

mod crds;
mod kubectl;
mod roundtrip;
