//! `/api/v1/units/{id}/staff` and `/api/v1/staff/{id}`: staff and their contracts.

use super::{find, map_page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::domain;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rota_entity::{TokenRole, staff, unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff, replace_staff, delete_staff))
}

/// A contract: the hard rules a rota must keep for one member of staff. Minutes are per
/// 28-day planning horizon.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Most shifts of each type per horizon, by shift code; a missing code has no limit.
    #[serde(default)]
    pub max_shifts_per_type: BTreeMap<String, i32>,
    pub min_total_minutes: i32,
    pub max_total_minutes: i32,
    pub min_consecutive_days: i32,
    pub max_consecutive_days: i32,
    pub min_consecutive_days_off: i32,
    pub max_weekends: i32,
}

/// A member of staff as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOut {
    pub id: i32,
    pub unit_id: i32,
    pub name: String,
    pub skills: Vec<String>,
    pub contract: Contract,
    pub active: bool,
}

impl From<staff::Model> for StaffOut {
    fn from(m: staff::Model) -> Self {
        Self {
            id: m.id,
            unit_id: m.unit_id,
            name: m.name,
            skills: serde_json::from_value(m.skills).unwrap_or_default(),
            contract: Contract {
                max_shifts_per_type: serde_json::from_value(m.max_shifts_per_type)
                    .unwrap_or_default(),
                min_total_minutes: m.min_total_minutes,
                max_total_minutes: m.max_total_minutes,
                min_consecutive_days: m.min_consecutive_days,
                max_consecutive_days: m.max_consecutive_days,
                min_consecutive_days_off: m.min_consecutive_days_off,
                max_weekends: m.max_weekends,
            },
            active: m.active,
        }
    }
}

/// A member of staff to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIn {
    pub name: String,
    #[serde(default)]
    pub skills: Vec<String>,
    pub contract: Contract,
    /// [default: true]
    pub active: Option<bool>,
}

fn apply(body: StaffIn, active: &mut staff::ActiveModel) -> ApiResult<()> {
    let c = &body.contract;
    let field = |name: &str| format!("contract.{name}");
    let minutes = 0..=60 * 24 * 366;
    let days = 0..=366;
    let min_total = domain::within(
        &field("min_total_minutes"),
        c.min_total_minutes,
        minutes.clone(),
    )?;
    let max_total = domain::within(&field("max_total_minutes"), c.max_total_minutes, minutes)?;
    if min_total > max_total {
        return Err(ApiError::invalid(
            field("min_total_minutes"),
            "must not exceed max_total_minutes",
        ));
    }
    let min_run = domain::within(
        &field("min_consecutive_days"),
        c.min_consecutive_days,
        days.clone(),
    )?;
    let max_run = domain::within(
        &field("max_consecutive_days"),
        c.max_consecutive_days,
        1..=366,
    )?;
    if min_run > max_run {
        return Err(ApiError::invalid(
            field("min_consecutive_days"),
            "must not exceed max_consecutive_days",
        ));
    }
    for (code, limit) in &c.max_shifts_per_type {
        domain::shift_code(&field("max_shifts_per_type"), code)?;
        domain::within(
            &field(&format!("max_shifts_per_type.{code}")),
            *limit,
            days.clone(),
        )?;
    }
    let skills = body
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| domain::name(&format!("skills[{i}]"), s, 40))
        .collect::<Result<Vec<_>, _>>()?;
    active.name = Set(domain::name("name", &body.name, 100)?);
    active.skills = Set(serde_json::json!(skills));
    active.max_shifts_per_type = Set(serde_json::json!(c.max_shifts_per_type));
    active.min_total_minutes = Set(min_total);
    active.max_total_minutes = Set(max_total);
    active.min_consecutive_days = Set(min_run);
    active.max_consecutive_days = Set(max_run);
    active.min_consecutive_days_off = Set(domain::within(
        &field("min_consecutive_days_off"),
        c.min_consecutive_days_off,
        days.clone(),
    )?);
    active.max_weekends = Set(domain::within(
        &field("max_weekends"),
        c.max_weekends,
        0..=53,
    )?);
    active.active = Set(body.active.unwrap_or(true));
    Ok(())
}

/// List a unit's staff.
#[utoipa::path(get, path = "/units/{id}/staff", tag = "staff", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Page<StaffOut>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn list_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<StaffOut>>> {
    caller.require(TokenRole::Viewer)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let select = staff::Entity::find().filter(staff::Column::UnitId.eq(id));
    let rows = page(&state.db, select, staff::Column::Id, &query, |s| s.id).await?;
    Ok(Json(map_page(rows, StaffOut::from)))
}

/// Add a member of staff to a unit.
#[utoipa::path(post, path = "/units/{id}/staff", tag = "staff", params(("id" = i32, Path)),
    request_body = StaffIn,
    responses((status = 201, body = StaffOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn create_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<StaffIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Planner)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let mut active = staff::ActiveModel {
        unit_id: Set(id),
        ..Default::default()
    };
    apply(body, &mut active)?;
    let created = active.insert(&state.db).await?;
    let location = format!("/api/v1/staff/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(StaffOut::from(created)),
    ))
}

/// Get a member of staff.
#[utoipa::path(get, path = "/staff/{id}", tag = "staff", params(("id" = i32, Path)),
    responses((status = 200, body = StaffOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn get_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<Json<StaffOut>> {
    caller.require(TokenRole::Viewer)?;
    Ok(Json(
        find::<staff::Entity>(&state.db, id, "staff member")
            .await?
            .into(),
    ))
}

/// Replace a member of staff and their contract.
#[utoipa::path(put, path = "/staff/{id}", tag = "staff", params(("id" = i32, Path)),
    request_body = StaffIn,
    responses((status = 200, body = StaffOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn replace_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<StaffIn>,
) -> ApiResult<Json<StaffOut>> {
    caller.require(TokenRole::Planner)?;
    let mut active = find::<staff::Entity>(&state.db, id, "staff member")
        .await?
        .into_active_model();
    apply(body, &mut active)?;
    Ok(Json(active.update(&state.db).await?.into()))
}

/// Delete a member of staff.
#[utoipa::path(delete, path = "/staff/{id}", tag = "staff", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn delete_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<StatusCode> {
    caller.require(TokenRole::Planner)?;
    let found = find::<staff::Entity>(&state.db, id, "staff member").await?;
    staff::Entity::delete_by_id(found.id)
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
