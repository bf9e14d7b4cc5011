//! Liveness and readiness probes: no authentication, cheap, never cached.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(crate::readiness::readyz))
        .route("/metrics", get(metrics))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    uptime_s: u64,
}

/// The process is alive and serving.
async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        uptime_s: state.started.elapsed().as_secs(),
    })
}

/// Prometheus text exposition of the process's metrics.
async fn metrics(
    State(state): State<AppState>,
) -> (
    StatusCode,
    [(axum::http::HeaderName, &'static str); 1],
    String,
) {
    let content_type = [(
        axum::http::header::CONTENT_TYPE,
        "text/plain; version=0.0.4",
    )];
    let jobs = crate::metrics::job_counts(&state.db)
        .await
        .unwrap_or_else(|err| {
            tracing::warn!(%err, "cannot count jobs for the metrics");
            String::new()
        });
    match &state.metrics {
        Some(handle) => (StatusCode::OK, content_type, handle.render() + &jobs),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            content_type,
            "# metrics recorder unavailable in this process\n".into(),
        ),
    }
}
