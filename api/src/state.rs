//! What every handler can reach.

use crate::auth::TokenCache;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
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
}

impl AppState {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            started: Instant::now(),
            tokens: TokenCache::default(),
            metrics: crate::metrics::install(),
            jobs: None,
        }
    }

    /// This state with the job system that POSTs enqueue on.
    pub fn with_jobs(mut self, jobs: rota_worker::Jobs) -> Self {
        self.jobs = Some(jobs);
        self
    }
}
