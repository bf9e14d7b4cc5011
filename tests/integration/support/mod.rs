//! Shared test fixtures.

pub mod db;
pub mod http;
pub mod rota_bin;

pub use db::{Backend, TestDb};
