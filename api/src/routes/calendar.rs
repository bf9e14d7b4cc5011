//! Days off and shift requests of a member of staff.

use super::{find, map_page, page, shift_types};
use crate::AppState;
use crate::auth::Caller;
use crate::domain;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use rota_entity::{RequestKind, TokenRole, shift_request, staff, staff_day_off};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_days_off, create_day_off))
        .routes(routes!(delete_day_off))
        .routes(routes!(list_requests, create_request))
        .routes(routes!(delete_request))
}

/// A day a member of staff must not work.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayOffOut {
    pub id: i32,
    pub staff_id: i32,
    pub date: NaiveDate,
    pub reason: Option<String>,
}

impl From<staff_day_off::Model> for DayOffOut {
    fn from(m: staff_day_off::Model) -> Self {
        Self {
            id: m.id,
            staff_id: m.staff_id,
            date: m.date,
            reason: m.reason,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayOffIn {
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
    pub reason: Option<String>,
}

/// A weighted wish to work (`on`) or not to work (`off`) a shift.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    pub id: i32,
    pub staff_id: i32,
    pub date: NaiveDate,
    pub shift_type_id: i32,
    /// `on` or `off`.
    pub kind: String,
    pub weight: i32,
}

impl From<shift_request::Model> for RequestOut {
    fn from(m: shift_request::Model) -> Self {
        Self {
            id: m.id,
            staff_id: m.staff_id,
            date: m.date,
            shift_type_id: m.shift_type_id,
            kind: match m.kind {
                RequestKind::On => "on".into(),
                RequestKind::Off => "off".into(),
            },
            weight: m.weight,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestIn {
    pub date: NaiveDate,
    pub shift_type_id: i32,
    /// `on` or `off`.
    #[schema(value_type = String)]
    pub kind: RequestKind,
    /// Penalty when not granted, 1 to 1000.
    pub weight: i32,
}

/// List a member of staff's days off.
#[utoipa::path(get, path = "/staff/{id}/days-off", tag = "calendar", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Page<DayOffOut>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn list_days_off(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<DayOffOut>>> {
    caller.require(TokenRole::Viewer)?;
    find::<staff::Entity>(&state.db, id, "staff member").await?;
    let select = staff_day_off::Entity::find().filter(staff_day_off::Column::StaffId.eq(id));
    let rows = page(&state.db, select, staff_day_off::Column::Id, &query, |d| {
        d.id
    })
    .await?;
    Ok(Json(map_page(rows, DayOffOut::from)))
}

/// Give a member of staff a day off.
#[utoipa::path(post, path = "/staff/{id}/days-off", tag = "calendar", params(("id" = i32, Path)),
    request_body = DayOffIn,
    responses((status = 201, body = DayOffOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn create_day_off(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<DayOffIn>,
) -> ApiResult<(StatusCode, Json<DayOffOut>)> {
    caller.require(TokenRole::Planner)?;
    find::<staff::Entity>(&state.db, id, "staff member").await?;
    let reason = body
        .reason
        .as_deref()
        .map(|r| domain::name("reason", r, 200))
        .transpose()?;
    let created = staff_day_off::ActiveModel {
        staff_id: Set(id),
        date: Set(body.date),
        reason: Set(reason),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Remove a day off.
#[utoipa::path(delete, path = "/days-off/{id}", tag = "calendar", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn delete_day_off(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<StatusCode> {
    caller.require(TokenRole::Planner)?;
    let found = find::<staff_day_off::Entity>(&state.db, id, "day off").await?;
    staff_day_off::Entity::delete_by_id(found.id)
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List a member of staff's shift requests.
#[utoipa::path(get, path = "/staff/{id}/requests", tag = "calendar", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Page<RequestOut>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<RequestOut>>> {
    caller.require(TokenRole::Viewer)?;
    find::<staff::Entity>(&state.db, id, "staff member").await?;
    let select = shift_request::Entity::find().filter(shift_request::Column::StaffId.eq(id));
    let rows = page(&state.db, select, shift_request::Column::Id, &query, |r| {
        r.id
    })
    .await?;
    Ok(Json(map_page(rows, RequestOut::from)))
}

/// Record a shift request.
#[utoipa::path(post, path = "/staff/{id}/requests", tag = "calendar", params(("id" = i32, Path)),
    request_body = RequestIn,
    responses((status = 201, body = RequestOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(staff = id))]
async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<RequestIn>,
) -> ApiResult<(StatusCode, Json<RequestOut>)> {
    caller.require(TokenRole::Planner)?;
    let member = find::<staff::Entity>(&state.db, id, "staff member").await?;
    shift_types::of_unit(
        &state.db,
        member.unit_id,
        body.shift_type_id,
        "shift_type_id",
    )
    .await?;
    let created = shift_request::ActiveModel {
        staff_id: Set(id),
        date: Set(body.date),
        shift_type_id: Set(body.shift_type_id),
        kind: Set(body.kind),
        weight: Set(domain::within("weight", body.weight, 1..=1000)?),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Withdraw a shift request.
#[utoipa::path(delete, path = "/requests/{id}", tag = "calendar", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn delete_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<StatusCode> {
    caller.require(TokenRole::Planner)?;
    let found = find::<shift_request::Entity>(&state.db, id, "shift request").await?;
    shift_request::Entity::delete_by_id(found.id)
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
