//! `/api/v1/units`: the wards and teams rota plans for.

use super::{find, map_page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::domain;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use rota_entity::{TokenRole, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units, create_unit))
        .routes(routes!(get_unit, replace_unit, delete_unit))
}

/// A unit as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitOut {
    pub id: i32,
    pub name: String,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
}

impl From<unit::Model> for UnitOut {
    fn from(m: unit::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            timezone: m.timezone,
            created_at: m.created_at,
        }
    }
}

/// A unit to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitIn {
    /// Unique name, 1–100 characters.
    pub name: String,
    /// IANA time zone [default: Europe/London].
    pub timezone: Option<String>,
}

struct ValidUnit {
    name: String,
    timezone: String,
}

fn validate(body: UnitIn) -> ApiResult<ValidUnit> {
    Ok(ValidUnit {
        name: domain::name("name", &body.name, 100)?,
        timezone: domain::timezone(body.timezone.as_deref().unwrap_or("Europe/London"))?,
    })
}

/// List units.
#[utoipa::path(get, path = "/units", tag = "units", params(PageQuery),
    responses((status = 200, body = Page<UnitOut>), (status = 401, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn list_units(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<UnitOut>>> {
    caller.require(TokenRole::Viewer)?;
    let rows = page(
        &state.db,
        unit::Entity::find(),
        unit::Column::Id,
        &query,
        |u| u.id,
    )
    .await?;
    Ok(Json(map_page(rows, UnitOut::from)))
}

/// Create a unit.
#[utoipa::path(post, path = "/units", tag = "units", request_body = UnitIn,
    responses((status = 201, body = UnitOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn create_unit(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<UnitIn>,
) -> ApiResult<impl IntoResponse> {
    caller.require(TokenRole::Planner)?;
    let valid = validate(body)?;
    let created = unit::ActiveModel {
        name: Set(valid.name),
        timezone: Set(valid.timezone),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    let location = format!("/api/v1/units/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(UnitOut::from(created)),
    ))
}

/// Get a unit.
#[utoipa::path(get, path = "/units/{id}", tag = "units", params(("id" = i32, Path)),
    responses((status = 200, body = UnitOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn get_unit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<Json<UnitOut>> {
    caller.require(TokenRole::Viewer)?;
    Ok(Json(
        find::<unit::Entity>(&state.db, id, "unit").await?.into(),
    ))
}

/// Replace a unit's name and time zone.
#[utoipa::path(put, path = "/units/{id}", tag = "units", params(("id" = i32, Path)),
    request_body = UnitIn,
    responses((status = 200, body = UnitOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn replace_unit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<UnitIn>,
) -> ApiResult<Json<UnitOut>> {
    caller.require(TokenRole::Planner)?;
    let valid = validate(body)?;
    let mut active = find::<unit::Entity>(&state.db, id, "unit")
        .await?
        .into_active_model();
    active.name = Set(valid.name);
    active.timezone = Set(valid.timezone);
    Ok(Json(active.update(&state.db).await?.into()))
}

/// Delete a unit with everything that belongs to it.
#[utoipa::path(delete, path = "/units/{id}", tag = "units", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn delete_unit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<StatusCode> {
    caller.require(TokenRole::Admin)?;
    let found = find::<unit::Entity>(&state.db, id, "unit").await?;
    unit::Entity::delete_by_id(found.id).exec(&state.db).await?;
    Ok(StatusCode::NO_CONTENT)
}
