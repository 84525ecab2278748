//! `source.toolkit.fluxcd.io`: the sources that publish artifacts.

pub mod v1;
