//! Liveness and readiness probes: no authentication, cheap, never cached.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::time::Instant;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
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
    match &state.metrics {
        Some(handle) => (StatusCode::OK, content_type, handle.render()),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            content_type,
            "# metrics recorder unavailable in this process\n".into(),
        ),
    }
}

#[derive(Serialize)]
struct Check {
    status: &'static str,
    latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    database: Check,
}

/// Every dependency answers; 503 names the one that does not.
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let started = Instant::now();
    let result = state.db.ping().await;
    let latency_ms = started.elapsed().as_secs_f64() * 1e3;
    let database = match result {
        Ok(()) => Check {
            status: "ok",
            latency_ms,
            error: None,
        },
        Err(err) => Check {
            status: "down",
            latency_ms,
            error: Some(err.to_string()),
        },
    };
    let ready = database.status == "ok";
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(Readiness {
            status: if ready { "ready" } else { "unavailable" },
            database,
        }),
    )
}
