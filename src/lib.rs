//! The `rota` binary's commands, and the process-level pieces they share: settings,
//! telemetry, database connection, shutdown and demo data.

pub mod api_state;
pub mod cli;
pub mod cmd;
pub mod db;
pub mod jobs;
pub mod redact;
pub mod seed;
pub mod settings;
pub mod shutdown;
pub mod telemetry;
