//! Reads of the jobs table, the source of truth for job status.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use rota_entity::{JobKind, JobStatus, TokenRole, job};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_jobs))
        .routes(routes!(get_job))
}

/// A job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    pub id: Uuid,
    #[schema(value_type = String)]
    pub kind: JobKind,
    /// `queued`, `running`, `succeeded`, `failed`, `cancelled` or `dead`.
    #[schema(value_type = String)]
    pub status: JobStatus,
    /// 0 to 1.
    pub progress: f64,
    pub message: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub unit_id: Option<i32>,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Seconds from start to finish (or to now, while running).
    pub duration_s: Option<f64>,
}

impl From<job::Model> for JobOut {
    fn from(m: job::Model) -> Self {
        let duration_s = m.started_at.map(|start| {
            let end = m.finished_at.unwrap_or_else(Utc::now);
            (end - start).num_milliseconds() as f64 / 1e3
        });
        Self {
            id: m.id,
            kind: m.kind,
            status: m.status,
            progress: m.progress,
            message: m.progress_message,
            attempts: m.attempts,
            max_attempts: m.max_attempts,
            unit_id: m.unit_id,
            result: m.result,
            error: m.error,
            created_at: m.created_at,
            started_at: m.started_at,
            finished_at: m.finished_at,
            duration_s,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct JobQuery {
    /// Only jobs with this status.
    pub status: Option<String>,
    /// Only jobs of this unit.
    pub unit: Option<i32>,
    /// At most this many, newest first (1–200, default 50).
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    pub items: Vec<JobOut>,
}

/// Recent jobs, newest first.
#[utoipa::path(get, path = "/jobs", tag = "jobs", params(JobQuery),
    responses((status = 200, body = JobList), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn list_jobs(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<JobQuery>,
) -> ApiResult<Json<JobList>> {
    caller.require(TokenRole::Viewer)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 200"));
    }
    let mut select = job::Entity::find()
        .order_by_desc(job::Column::CreatedAt)
        .limit(limit);
    if let Some(status) = &query.status {
        let status: JobStatus = super::parse_value(
            "status",
            status,
            "queued, running, succeeded, failed, cancelled or dead",
        )?;
        select = select.filter(job::Column::Status.eq(status));
    }
    if let Some(unit) = query.unit {
        select = select.filter(job::Column::UnitId.eq(unit));
    }
    let rows = select.all(&state.db).await?;
    Ok(Json(JobList {
        items: rows.into_iter().map(JobOut::from).collect(),
    }))
}

/// A job's status, progress, result and error.
#[utoipa::path(get, path = "/jobs/{job}", tag = "jobs", params(("job" = Uuid, Path)),
    responses((status = 200, body = JobOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(job_id = %id))]
async fn get_job(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<JobOut>> {
    caller.require(TokenRole::Viewer)?;
    let found = job::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("job {id}")))?;
    Ok(Json(found.into()))
}
