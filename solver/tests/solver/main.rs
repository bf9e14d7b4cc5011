//! Integration tests of the solver crate, one binary with a module per feature.

mod bench;
mod brute;
mod curtois;
mod instances;
mod properties;
mod rules;
