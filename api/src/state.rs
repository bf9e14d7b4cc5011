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
}

impl AppState {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            started: Instant::now(),
            tokens: TokenCache::default(),
            metrics: crate::metrics::install(),
        }
    }
}
