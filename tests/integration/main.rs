//! Integration tests of the `rota` binary and its data layer, against real SQLite files and a
//! real PostgreSQL server (one fresh database per test, dropped afterwards). One test binary,
//! a module per feature, so it links once.

mod support;

mod api;
mod browser;
mod cli_errors;
mod config;
mod demo;
mod domain_cli;
mod entities;
mod jobs;
mod loadtest;
mod migrations;
mod release;
mod retrain;
mod seed;
mod smoke;
