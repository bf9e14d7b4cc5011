//! `/api/v1/units/{id}/shift-types` and `/api/v1/shift-types/{id}`: the shifts a unit runs.

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
use rota_entity::{TokenRole, shift_type, unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_shift_types, create_shift_type))
        .routes(routes!(
            get_shift_type,
            replace_shift_type,
            delete_shift_type
        ))
}

/// A shift type as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftTypeOut {
    pub id: i32,
    pub unit_id: i32,
    pub code: String,
    pub name: String,
    /// `HH:MM`.
    pub start: String,
    pub length_minutes: i32,
    /// Codes that may not be worked the day after this shift.
    pub forbidden_next: Vec<String>,
    pub min_rest_hours: i32,
}

impl From<shift_type::Model> for ShiftTypeOut {
    fn from(m: shift_type::Model) -> Self {
        Self {
            id: m.id,
            unit_id: m.unit_id,
            code: m.code,
            name: m.name,
            start: m.start_time.format("%H:%M").to_string(),
            length_minutes: m.length_minutes,
            forbidden_next: serde_json::from_value(m.forbidden_next).unwrap_or_default(),
            min_rest_hours: m.min_rest_hours,
        }
    }
}

/// A shift type to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftTypeIn {
    /// 1–16 letters, digits, `_` or `-`; unique within the unit.
    pub code: String,
    pub name: String,
    /// `HH:MM`, 24-hour clock.
    pub start: String,
    /// 1 to 1440.
    pub length_minutes: i32,
    #[serde(default)]
    pub forbidden_next: Vec<String>,
    /// 0 to 48 [default: 11].
    pub min_rest_hours: Option<i32>,
}

fn apply(body: ShiftTypeIn, active: &mut shift_type::ActiveModel) -> ApiResult<()> {
    let forbidden = body
        .forbidden_next
        .iter()
        .enumerate()
        .map(|(i, code)| domain::shift_code(&format!("forbidden_next[{i}]"), code))
        .collect::<Result<Vec<_>, _>>()?;
    active.code = Set(domain::shift_code("code", &body.code)?);
    active.name = Set(domain::name("name", &body.name, 64)?);
    active.start_time = Set(domain::clock("start", &body.start)?);
    active.length_minutes = Set(domain::within(
        "length_minutes",
        body.length_minutes,
        1..=1440,
    )?);
    active.forbidden_next = Set(json!(forbidden));
    active.min_rest_hours = Set(domain::within(
        "min_rest_hours",
        body.min_rest_hours.unwrap_or(11),
        0..=48,
    )?);
    Ok(())
}

/// List a unit's shift types.
#[utoipa::path(get, path = "/units/{id}/shift-types", tag = "shift types",
    params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Page<ShiftTypeOut>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn list_shift_types(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<ShiftTypeOut>>> {
    caller.require(TokenRole::Viewer)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let select = shift_type::Entity::find().filter(shift_type::Column::UnitId.eq(id));
    let rows = page(&state.db, select, shift_type::Column::Id, &query, |s| s.id).await?;
    Ok(Json(map_page(rows, ShiftTypeOut::from)))
}

/// Add a shift type to a unit.
#[utoipa::path(post, path = "/units/{id}/shift-types", tag = "shift types",
    params(("id" = i32, Path)), request_body = ShiftTypeIn,
    responses((status = 201, body = ShiftTypeOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn create_shift_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<ShiftTypeIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Planner)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let mut active = shift_type::ActiveModel {
        unit_id: Set(id),
        ..Default::default()
    };
    apply(body, &mut active)?;
    let created = active.insert(&state.db).await?;
    let location = format!("/api/v1/shift-types/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ShiftTypeOut::from(created)),
    ))
}

/// Get a shift type.
#[utoipa::path(get, path = "/shift-types/{id}", tag = "shift types", params(("id" = i32, Path)),
    responses((status = 200, body = ShiftTypeOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn get_shift_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<Json<ShiftTypeOut>> {
    caller.require(TokenRole::Viewer)?;
    Ok(Json(
        find::<shift_type::Entity>(&state.db, id, "shift type")
            .await?
            .into(),
    ))
}

/// Replace a shift type.
#[utoipa::path(put, path = "/shift-types/{id}", tag = "shift types", params(("id" = i32, Path)),
    request_body = ShiftTypeIn,
    responses((status = 200, body = ShiftTypeOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn replace_shift_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<ShiftTypeIn>,
) -> ApiResult<Json<ShiftTypeOut>> {
    caller.require(TokenRole::Planner)?;
    let mut active = find::<shift_type::Entity>(&state.db, id, "shift type")
        .await?
        .into_active_model();
    apply(body, &mut active)?;
    Ok(Json(active.update(&state.db).await?.into()))
}

/// Delete a shift type (and the demand, requests and assignments that name it).
#[utoipa::path(delete, path = "/shift-types/{id}", tag = "shift types", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn delete_shift_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<StatusCode> {
    caller.require(TokenRole::Admin)?;
    let found = find::<shift_type::Entity>(&state.db, id, "shift type").await?;
    shift_type::Entity::delete_by_id(found.id)
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The shift type `id` of unit `unit_id`, or a 422 naming `field`.
pub async fn of_unit(
    db: &sea_orm::DatabaseConnection,
    unit_id: i32,
    id: i32,
    field: &str,
) -> ApiResult<shift_type::Model> {
    shift_type::Entity::find_by_id(id)
        .filter(shift_type::Column::UnitId.eq(unit_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                format!("shift type {id} does not belong to unit {unit_id}"),
            )
        })
}
