//! Forecast model versions of a unit, and rollback by activating an earlier one.

use super::find;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiPath;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use rota_entity::{ModelStatus, TokenRole, model_version, unit};
use rota_worker::retrain::versions::{self, ActivateError};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_models))
        .routes(routes!(activate_model))
}

/// A model version without its (large) serialized parameters.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelOut {
    pub version: i32,
    pub algorithm: String,
    pub trained_at: DateTime<Utc>,
    pub train_start: NaiveDate,
    pub train_end: NaiveDate,
    /// Holdout MAPE, percent.
    pub holdout_mape: Option<f64>,
    /// Seasonal-naive MAPE on the same holdout, percent.
    pub baseline_mape: Option<f64>,
    /// `candidate`, `active`, `archived` or `rejected`.
    #[schema(value_type = String)]
    pub status: ModelStatus,
    pub reason: Option<String>,
    pub active: bool,
}

impl From<model_version::Model> for ModelOut {
    fn from(m: model_version::Model) -> Self {
        Self {
            version: m.version,
            algorithm: m.algorithm,
            trained_at: m.trained_at,
            train_start: m.train_start,
            train_end: m.train_end,
            holdout_mape: m.holdout_mape,
            baseline_mape: m.baseline_mape,
            active: m.status == ModelStatus::Active,
            status: m.status,
            reason: m.reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    pub items: Vec<ModelOut>,
}

/// List a unit's model versions, newest first.
#[utoipa::path(get, path = "/units/{id}/models", tag = "models", params(("id" = i32, Path)),
    responses((status = 200, body = ModelList), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn list_models(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<Json<ModelList>> {
    caller.require(TokenRole::Viewer)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let rows = versions::list(&state.db, id).await?;
    Ok(Json(ModelList {
        items: rows.into_iter().map(ModelOut::from).collect(),
    }))
}

/// Make a version the unit's active model (rollback); the previously active one is archived.
#[utoipa::path(post, path = "/units/{id}/models/{version}/activate", tag = "models",
    params(("id" = i32, Path), ("version" = i32, Path)),
    responses((status = 200, body = ModelOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id, version))]
async fn activate_model(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, version)): ApiPath<(i32, i32)>,
) -> ApiResult<Json<ModelOut>> {
    caller.require(TokenRole::Admin)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let activated = activate(&state.db, id, version).await?;
    // The unit's forecasts are now the other version's: drop the cached ones.
    state.cache.forget_forecasts(id).await;
    Ok(Json(activated.into()))
}

/// Activates `version` of unit `unit_id` (see [`versions::activate`], which the CLI shares).
pub async fn activate(
    db: &sea_orm::DatabaseConnection,
    unit_id: i32,
    version: i32,
) -> ApiResult<model_version::Model> {
    versions::activate(db, unit_id, version)
        .await
        .map_err(|err| match err {
            ActivateError::NotFound { .. } => {
                ApiError::not_found(format!("model version {version} of unit {unit_id}"))
            }
            ActivateError::Rejected { .. } => ApiError::conflict(err.to_string()),
            ActivateError::Db(db) => db.into(),
        })
}
