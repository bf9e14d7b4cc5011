//! Solved rotas: the verdict, every assignment and the explanation.

use super::{find, shift_codes};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiPath;
use crate::read_cache::{json_text, json_through};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use rota_entity::{RotaStatus, TokenRole, assignment, rota, staff, unit};
use rota_worker::cache::keys;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(latest_rota))
        .routes(routes!(get_rota))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentOut {
    pub staff_id: i32,
    pub staff: String,
    pub date: NaiveDate,
    pub shift: String,
    pub pinned: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RotaOut {
    pub id: i32,
    pub unit_id: i32,
    pub job_id: Option<Uuid>,
    pub horizon_start: NaiveDate,
    pub days: i32,
    /// `optimal`, `feasible`, `infeasible`, `timedout` or `cancelled`.
    #[schema(value_type = String)]
    pub status: RotaStatus,
    pub objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    pub seconds: f64,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    /// Penalties by rule, staff and day; uncovered shifts; unmet requests.
    pub explanation: Option<serde_json::Value>,
    pub assignments: Vec<AssignmentOut>,
}

/// The newest rota of a unit.
#[utoipa::path(get, path = "/units/{id}/rotas/latest", tag = "rotas", params(("id" = i32, Path)),
    responses((status = 200, body = RotaOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn latest_rota(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<Response> {
    caller.require(TokenRole::Viewer)?;
    let text = json_through(
        &state,
        "rota",
        &keys::latest_rota(id),
        || async {
            find::<unit::Entity>(&state.db, id, "unit").await?;
            let latest = rota::Entity::find()
                .filter(rota::Column::UnitId.eq(id))
                .order_by_desc(rota::Column::CreatedAt)
                .order_by_desc(rota::Column::Id)
                .one(&state.db)
                .await?
                .ok_or_else(|| ApiError::not_found(format!("a rota of unit {id}")))?;
            load(&state.db, latest).await
        },
        |_| true,
    )
    .await?;
    Ok(json_text(text))
}

/// A rota with its assignments and explanation.
#[utoipa::path(get, path = "/rotas/{id}", tag = "rotas", params(("id" = i32, Path)),
    responses((status = 200, body = RotaOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(rota = id))]
async fn get_rota(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<Json<RotaOut>> {
    caller.require(TokenRole::Viewer)?;
    let found = find::<rota::Entity>(&state.db, id, "rota").await?;
    Ok(Json(load(&state.db, found).await?))
}

/// A stored rota with its assignments, named by staff and shift code.
pub async fn load(db: &sea_orm::DatabaseConnection, r: rota::Model) -> ApiResult<RotaOut> {
    let names: HashMap<i32, String> = staff::Entity::find()
        .filter(staff::Column::UnitId.eq(r.unit_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let codes = shift_codes(db, r.unit_id).await?;
    let assignments = assignment::Entity::find()
        .filter(assignment::Column::RotaId.eq(r.id))
        .order_by_asc(assignment::Column::StaffId)
        .order_by_asc(assignment::Column::Date)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AssignmentOut {
            staff: names.get(&a.staff_id).cloned().unwrap_or_default(),
            shift: codes.get(&a.shift_type_id).cloned().unwrap_or_default(),
            staff_id: a.staff_id,
            date: a.date,
            pinned: a.pinned,
        })
        .collect();
    Ok(RotaOut {
        id: r.id,
        unit_id: r.unit_id,
        job_id: r.job_id,
        horizon_start: r.horizon_start,
        days: r.days,
        status: r.status,
        objective: r.objective,
        bound: r.bound,
        gap: r.gap,
        seconds: r.seconds,
        published: r.published,
        created_at: r.created_at,
        explanation: r.explanation,
        assignments,
    })
}
