//! Integration tests of the forecast crate, one binary with a module per feature.

mod helpers;
mod input;
mod ks;
mod parity;
mod persistence;
mod report;
mod training;
