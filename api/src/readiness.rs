//! `/readyz`: whether each dependency answers, with its own status and latency, so an operator
//! (or `rota smoke`) sees which one is down. The database and every active model must be
//! fine; Redis and RabbitMQ only when configured.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rota_entity::{ModelStatus, model_version};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use std::future::Future;
use std::time::Instant;

/// One dependency's answer.
#[derive(Debug, Serialize)]
pub struct Check {
    /// `ok`, `down`, or `not_configured`.
    pub status: &'static str,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Check {
    fn not_configured() -> Self {
        Self {
            status: "not_configured",
            latency_ms: 0.0,
            error: None,
        }
    }

    fn is_failure(&self) -> bool {
        self.status == "down"
    }

    async fn timed<E: std::fmt::Display>(probe: impl Future<Output = Result<(), E>>) -> Self {
        let started = Instant::now();
        let result = probe.await;
        let latency_ms = started.elapsed().as_secs_f64() * 1e3;
        match result {
            Ok(()) => Self {
                status: "ok",
                latency_ms,
                error: None,
            },
            Err(err) => Self {
                status: "down",
                latency_ms,
                error: Some(err.to_string()),
            },
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    /// `ready` when no check is down, else `unavailable`.
    pub status: &'static str,
    pub database: Check,
    pub redis: Check,
    pub amqp: Check,
    /// Every active model version deserialises into a model that can forecast.
    pub models: Check,
}

/// Every dependency answers; 503 names the one that does not.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let (database, redis, amqp, models) = tokio::join!(
        Check::timed(state.db.ping()),
        redis(&state),
        amqp(&state),
        Check::timed(active_models_load(&state.db)),
    );
    let ready = ![&database, &redis, &amqp, &models]
        .iter()
        .any(|c| c.is_failure());
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let status = if ready { "ready" } else { "unavailable" };
    (
        code,
        Json(Readiness {
            status,
            database,
            redis,
            amqp,
            models,
        }),
    )
}

async fn redis(state: &AppState) -> Check {
    if matches!(state.cache, rota_worker::cache::Cache::Memory(_)) {
        return Check::not_configured();
    }
    Check::timed(async { state.cache.ping().await.unwrap_or(Ok(())) }).await
}

async fn amqp(state: &AppState) -> Check {
    let Some(connection) = &state.amqp else {
        return Check::not_configured();
    };
    // A channel open/close is one broker round trip: it proves the broker still answers, not
    // just that the socket is open.
    Check::timed(async {
        if !connection.status().connected() {
            return Err(ProbeError("the RabbitMQ connection is closed".into()));
        }
        let channel = connection
            .create_channel()
            .await
            .map_err(|e| ProbeError(e.to_string()))?;
        channel
            .close(200, "readiness probe".into())
            .await
            .map_err(|e| ProbeError(e.to_string()))
    })
    .await
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ProbeError(String);

/// Loads every active model version the way a forecast job does.
async fn active_models_load(db: &sea_orm::DatabaseConnection) -> Result<(), ProbeError> {
    let rows: Vec<(i32, i32, serde_json::Value)> = model_version::Entity::find()
        .select_only()
        .column(model_version::Column::UnitId)
        .column(model_version::Column::Version)
        .column(model_version::Column::Model)
        .filter(model_version::Column::Status.eq(ModelStatus::Active))
        .into_tuple()
        .all(db)
        .await
        .map_err(|e| ProbeError(format!("cannot read model versions: {e}")))?;
    let broken: Vec<String> = rows
        .iter()
        .filter(|(_, _, model)| rota_forecast::UnitModel::from_json(&model.to_string()).is_err())
        .map(|(unit, version, _)| format!("unit {unit} v{version}"))
        .collect();
    if broken.is_empty() {
        Ok(())
    } else {
        Err(ProbeError(format!(
            "active models that do not load: {}",
            broken.join(", ")
        )))
    }
}
