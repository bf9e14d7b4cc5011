//! Which queues a worker takes jobs from, and how many it runs at once.

use std::net::{IpAddr, Ipv4Addr};

use serde::{Deserialize, Serialize};

/// The job queues rota knows.
pub const QUEUES: [&str; 4] = ["solve", "forecast", "retrain", "monitor"];

/// A worker's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerSettings {
    /// Queues to consume; all of them by default.
    pub queues: Vec<String>,
    /// Jobs run at once by this worker process.
    pub concurrency: usize,
    /// On shutdown, how long in-flight jobs may run on before they are handed back.
    pub shutdown_timeout_secs: u64,
    /// A job still `queued` this long is pushed again: its first push may never have
    /// happened (the enqueuing process died between the insert and the push).
    pub sweep_after_secs: u64,
    /// Serve Prometheus metrics (jobs by kind and outcome, durations, queue depth) on this
    /// port; none by default.
    pub metrics_port: Option<u16>,
    /// Address the metrics port listens on: all interfaces by default, for a scraper on
    /// another host; `127.0.0.1` keeps it to this host.
    pub metrics_host: IpAddr,
}

/// A worker setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("unknown queue '{0}' (known: solve, forecast, retrain, monitor)")]
    UnknownQueue(String),
    #[error("no queue given")]
    NoQueue,
    #[error("concurrency must be at least 1")]
    ZeroConcurrency,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            queues: QUEUES.iter().map(|q| (*q).to_string()).collect(),
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            shutdown_timeout_secs: 30,
            sweep_after_secs: 300,
            metrics_port: None,
            metrics_host: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        }
    }
}

impl WorkerSettings {
    /// Rejects unknown queue names and a zero concurrency.
    pub fn check(&self) -> Result<(), SettingsError> {
        if self.queues.is_empty() {
            return Err(SettingsError::NoQueue);
        }
        if let Some(bad) = self.queues.iter().find(|q| !QUEUES.contains(&q.as_str())) {
            return Err(SettingsError::UnknownQueue(bad.clone()));
        }
        if self.concurrency == 0 {
            return Err(SettingsError::ZeroConcurrency);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_take_every_queue() {
        let settings = WorkerSettings::default();
        assert!(settings.check().is_ok());
        assert_eq!(settings.queues.len(), QUEUES.len());
    }

    #[test]
    fn unknown_queue_is_named() {
        let settings = WorkerSettings {
            queues: vec!["solve".into(), "bake".into()],
            concurrency: 1,
            ..WorkerSettings::default()
        };
        let err = settings.check().expect_err("bake is no queue");
        assert!(err.to_string().contains("'bake'"));
    }

    #[test]
    fn zero_concurrency_is_rejected() {
        let settings = WorkerSettings {
            concurrency: 0,
            ..WorkerSettings::default()
        };
        assert!(matches!(
            settings.check(),
            Err(SettingsError::ZeroConcurrency)
        ));
    }
}
