//! Logging and tracing: `RUST_LOG` (or `log.filter`) and a pretty or JSON format, on stderr so
//! that stdout stays free for command output such as `--json`.

use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, coloured on a terminal.
    #[default]
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Logging settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive; `RUST_LOG` wins when set.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            // HiGHS reports every node- or time-limited sub-solve of the neighbourhood search as a
            // warning; those are expected, so only its errors are shown by default.
            filter: "info,sqlx=warn,sea_orm=warn,highs=error".into(),
        }
    }
}

/// Installs the global subscriber. Safe to call more than once (later calls are no-ops).
pub fn init(settings: &LogSettings) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directive) if !directive.trim().is_empty() => EnvFilter::try_new(directive)
            .map_err(|err| anyhow::anyhow!("RUST_LOG is not a valid filter: {err}"))?,
        _ => EnvFilter::try_new(&settings.filter)
            .map_err(|err| anyhow::anyhow!("log.filter is not a valid filter: {err}"))?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (tests, `rota all`) finds a subscriber already set; that is fine.
    let _ = match settings.format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    Ok(())
}
