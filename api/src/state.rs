//! What every handler can reach.

use crate::auth::TokenCache;
use metrics_exporter_prometheus::PrometheusHandle;
use rota_worker::cache::Cache;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Instant;

/// Shared application state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub started: Instant,
    pub tokens: TokenCache,
    pub metrics: Option<PrometheusHandle>,
    /// The job system; absent only in tests of read-only routes.
    pub jobs: Option<rota_worker::Jobs>,
    /// Forecast and latest-rota reads (Redis when configured, else in-process).
    pub cache: Cache,
    /// A connection to RabbitMQ, for the readiness probe; absent when none is configured.
    pub amqp: Option<Arc<lapin::Connection>>,
}

impl AppState {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            started: Instant::now(),
            tokens: TokenCache::default(),
            metrics: crate::metrics::install(),
            jobs: None,
            cache: Cache::memory(),
            amqp: None,
        }
    }

    /// This state with the job system that POSTs enqueue on.
    pub fn with_jobs(mut self, jobs: rota_worker::Jobs) -> Self {
        self.jobs = Some(jobs);
        self
    }

    /// This state reading through `cache`.
    pub fn with_cache(mut self, cache: Cache) -> Self {
        self.cache = cache;
        self
    }

    /// This state probing RabbitMQ over `connection` for readiness.
    pub fn with_amqp(mut self, connection: Arc<lapin::Connection>) -> Self {
        self.amqp = Some(connection);
        self
    }
}
