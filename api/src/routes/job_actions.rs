//! Starting, cancelling and following jobs. The API only validates and enqueues; workers do the
//! work. `POST` answers `202 Accepted` with `Location: /api/v1/jobs/{job}` and honours an
//! `Idempotency-Key` header: the same key returns the same job, never a second one.

use super::find;
use super::jobs::JobOut;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{Datelike, NaiveDate, Weekday};
use rota_entity::{TokenRole, unit};
use rota_worker::{
    CoverSource, ForecastPayload, JobPayload, Jobs, JobsError, MonitorPayload, RetrainPayload,
    SolvePayload,
};
use sea_orm::EntityTrait;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(solve))
        .routes(routes!(forecast))
        .routes(routes!(retrain))
        .routes(routes!(monitor))
        .routes(routes!(cancel_job))
        .routes(routes!(job_events))
}

/// What to solve. Only `horizon_start` is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SolveIn {
    /// First day of the rota, a Monday (`YYYY-MM-DD`).
    pub horizon_start: NaiveDate,
    /// Length of the rota in days, 7 to 84 [default: 28].
    pub days: Option<u32>,
    /// Wall-clock budget of the solver in seconds, 1 to 3600 [default: 30].
    pub time_limit: Option<u32>,
    /// Where cover requirements come from: `forecast` (the active model), `history` (the same
    /// weekday's history) or `explicit` (cover overrides only) [default: forecast].
    pub cover: Option<String>,
    /// With `cover: forecast`, the forecast quantile to staff for, above 0 and below 1
    /// [default: 0.5].
    pub quantile: Option<f64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastIn {
    /// Days to forecast, 1 to 366 [default: 28].
    pub horizon_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeIn {
    /// One unit; absent means every unit.
    pub unit_id: Option<i32>,
}

fn jobs(state: &AppState) -> ApiResult<&Jobs> {
    state.jobs.as_ref().ok_or_else(|| {
        ApiError::new(
            Code::DependencyUnavailable,
            "this server has no job system configured",
        )
    })
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(value) => {
            let key = value
                .to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .ok_or_else(|| {
                    ApiError::invalid("Idempotency-Key", "must be 1-200 visible ASCII characters")
                })?;
            Ok(Some(key.to_string()))
        }
    }
}

impl From<JobsError> for ApiError {
    fn from(err: JobsError) -> Self {
        match err {
            JobsError::Db(db) => db.into(),
            JobsError::Transport(transport) => {
                tracing::error!(%transport, "job queue unavailable");
                ApiError::new(
                    Code::DependencyUnavailable,
                    "the job queue is unavailable; retry later",
                )
            }
            JobsError::Payload(payload) => {
                tracing::error!(%payload, "payload does not serialize");
                ApiError::new(
                    Code::Internal,
                    "an internal error occurred; it has been logged",
                )
            }
        }
    }
}

async fn accept<P: JobPayload>(
    state: &AppState,
    headers: &HeaderMap,
    payload: P,
) -> ApiResult<impl IntoResponse + use<P>> {
    let key = idempotency_key(headers)?;
    let enqueued = jobs(state)?.enqueue(&payload, key.as_deref()).await?;
    let location = format!("/api/v1/jobs/{}", enqueued.job.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(JobOut::from(enqueued.job)),
    ))
}

/// Solve a unit's rota asynchronously.
#[utoipa::path(post, path = "/units/{id}/solve", tag = "jobs", params(("id" = i32, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Same key, same job")),
    request_body = SolveIn,
    responses((status = 202, body = JobOut), (status = 404, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn solve(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SolveIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Planner)?;
    if body.horizon_start.weekday() != Weekday::Mon {
        return Err(ApiError::invalid("horizon_start", "must be a Monday"));
    }
    let days = body.days.unwrap_or(28);
    if !(7..=84).contains(&days) {
        return Err(ApiError::invalid("days", "must be 7 to 84"));
    }
    let time_limit_secs = body.time_limit.unwrap_or(30);
    if !(1..=3600).contains(&time_limit_secs) {
        return Err(ApiError::invalid("time_limit", "must be 1 to 3600 seconds"));
    }
    let quantile = body.quantile.unwrap_or(0.5);
    let cover = match body.cover.as_deref().unwrap_or("forecast") {
        "forecast" if quantile > 0.0 && quantile < 1.0 => CoverSource::Forecast { quantile },
        "forecast" => return Err(ApiError::invalid("quantile", "must be above 0 and below 1")),
        "history" => CoverSource::History,
        "explicit" => CoverSource::Explicit,
        _ => {
            return Err(ApiError::invalid(
                "cover",
                "must be forecast, history or explicit",
            ));
        }
    };
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let payload = SolvePayload {
        unit_id: id,
        horizon_start: body.horizon_start,
        days,
        time_limit_secs,
        cover,
        pins: Vec::new(),
    };
    accept(&state, &headers, payload).await
}

/// Forecast a unit's demand with its active model.
#[utoipa::path(post, path = "/units/{id}/forecast", tag = "jobs", params(("id" = i32, Path)),
    request_body = ForecastIn,
    responses((status = 202, body = JobOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn forecast(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ForecastIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Planner)?;
    let horizon_days = body.horizon_days.unwrap_or(28);
    if !(1..=366).contains(&horizon_days) {
        return Err(ApiError::invalid("horizon_days", "must be 1 to 366"));
    }
    find::<unit::Entity>(&state.db, id, "unit").await?;
    accept(
        &state,
        &headers,
        ForecastPayload {
            unit_id: id,
            horizon_days,
        },
    )
    .await
}

async fn check_scope(state: &AppState, scope: &ScopeIn) -> ApiResult<()> {
    if let Some(id) = scope.unit_id {
        find::<unit::Entity>(&state.db, id, "unit")
            .await
            .map_err(|_| ApiError::invalid("unit_id", format!("unit {id} does not exist")))?;
    }
    Ok(())
}

/// Retrain the forecast models of every unit, or of one.
#[utoipa::path(post, path = "/retrain", tag = "jobs", request_body = ScopeIn,
    responses((status = 202, body = JobOut), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn retrain(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ScopeIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Admin)?;
    check_scope(&state, &body).await?;
    accept(
        &state,
        &headers,
        RetrainPayload {
            unit_id: body.unit_id,
        },
    )
    .await
}

/// Check every unit's model, or one unit's, for drift.
#[utoipa::path(post, path = "/monitor", tag = "jobs", request_body = ScopeIn,
    responses((status = 202, body = JobOut), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn monitor(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ScopeIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Planner)?;
    check_scope(&state, &body).await?;
    accept(
        &state,
        &headers,
        MonitorPayload {
            unit_id: body.unit_id,
        },
    )
    .await
}

/// Cancel a job: a queued one at once; a running solve stops and keeps its best rota.
#[utoipa::path(delete, path = "/jobs/{job}", tag = "jobs", params(("job" = Uuid, Path)),
    responses((status = 200, body = JobOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(job_id = %id))]
async fn cancel_job(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<JobOut>> {
    caller.require(TokenRole::Planner)?;
    let job = jobs(&state)?
        .cancel(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("job {id}")))?;
    Ok(Json(job.into()))
}

/// How often the event stream looks at the job row. Progress is written to the table by
/// whichever worker process runs the job, so the row, not an in-process channel, is followed.
const POLL: Duration = Duration::from_millis(200);

/// Server-sent events with the job's state (`event: job`, JSON as `GET /jobs/{job}`) each
/// time it changes, until it ends.
#[utoipa::path(get, path = "/jobs/{job}/events", tag = "jobs", params(("job" = Uuid, Path)),
    responses((status = 200, description = "text/event-stream of job states"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(job_id = %id))]
async fn job_events(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Viewer)?;
    let first = rota_entity::job::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("job {id}")))?;
    let db = state.db.clone();
    // State: the last row sent (None before the first), and whether the stream is over.
    let stream = futures::stream::unfold(
        (Some(first), None::<String>, false),
        move |(next, last, done)| {
            let db = db.clone();
            async move {
                if done {
                    return None;
                }
                let mut row = next;
                loop {
                    if let Some(job) = row.take() {
                        let terminal = job.status.is_terminal();
                        let body = serde_json::to_string(&JobOut::from(job)).unwrap_or_default();
                        if last.as_deref() != Some(body.as_str()) || terminal {
                            let event = Event::default().event("job").data(body.clone());
                            return Some((
                                Ok::<_, Infallible>(event),
                                (None, Some(body), terminal),
                            ));
                        }
                    }
                    tokio::time::sleep(POLL).await;
                    match rota_entity::job::Entity::find_by_id(id).one(&db).await {
                        Ok(Some(job)) => row = Some(job),
                        Ok(None) => return None,
                        Err(err) => {
                            tracing::warn!(%err, "job event stream stops");
                            return None;
                        }
                    }
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
