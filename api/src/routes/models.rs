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
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, TransactionTrait,
};
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
    let rows = model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(id))
        .order_by_desc(model_version::Column::Version)
        .all(&state.db)
        .await?;
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
    if let Err(err) = state
        .cache
        .delete(&[rota_worker::cache::keys::forecasts(id)])
        .await
    {
        tracing::warn!(%err, "cannot drop cached forecasts; the TTL will");
    }
    Ok(Json(activated.into()))
}

/// Activates `version` of unit `unit_id` in one transaction.
pub async fn activate(
    db: &sea_orm::DatabaseConnection,
    unit_id: i32,
    version: i32,
) -> ApiResult<model_version::Model> {
    let txn = db.begin().await?;
    let target = model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit_id))
        .filter(model_version::Column::Version.eq(version))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("model version {version} of unit {unit_id}")))?;
    match target.status {
        ModelStatus::Active => return Ok(target),
        ModelStatus::Rejected => {
            return Err(ApiError::conflict(format!(
                "version {version} was rejected ({}); it cannot serve",
                target.reason.as_deref().unwrap_or("no reason recorded")
            )));
        }
        ModelStatus::Candidate | ModelStatus::Archived => {}
    }
    let current = model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit_id))
        .filter(model_version::Column::Status.eq(ModelStatus::Active))
        .all(&txn)
        .await?;
    for previous in current {
        let mut archived = previous.into_active_model();
        archived.status = Set(ModelStatus::Archived);
        archived.update(&txn).await?;
    }
    let mut active = target.into_active_model();
    active.status = Set(ModelStatus::Active);
    active.reason = Set(Some(format!(
        "activated by hand at {}",
        Utc::now().format("%Y-%m-%d %H:%M UTC")
    )));
    let activated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(activated)
}
