//! Cover overrides: a planner's explicit requirement for one shift, which beats the forecast.

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
use rota_entity::{TokenRole, cover_override, unit};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cover, put_cover))
        .routes(routes!(delete_cover))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverOut {
    pub id: i32,
    pub unit_id: i32,
    pub date: NaiveDate,
    pub shift_type_id: i32,
    pub requirement: i32,
    pub under_weight: i32,
    pub over_weight: i32,
}

impl From<cover_override::Model> for CoverOut {
    fn from(m: cover_override::Model) -> Self {
        Self {
            id: m.id,
            unit_id: m.unit_id,
            date: m.date,
            shift_type_id: m.shift_type_id,
            requirement: m.requirement,
            under_weight: m.under_weight,
            over_weight: m.over_weight,
        }
    }
}

/// The requirement for one shift on one date; setting it again replaces it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverIn {
    pub date: NaiveDate,
    pub shift_type_id: i32,
    /// Staff required, 0 to 500.
    pub requirement: i32,
    /// Penalty per missing person [default: 100].
    pub under_weight: Option<i32>,
    /// Penalty per person beyond the requirement [default: 1].
    pub over_weight: Option<i32>,
}

/// List a unit's cover overrides.
#[utoipa::path(get, path = "/units/{id}/cover-overrides", tag = "cover", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Page<CoverOut>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn list_cover(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<CoverOut>>> {
    caller.require(TokenRole::Viewer)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let select = cover_override::Entity::find().filter(cover_override::Column::UnitId.eq(id));
    let rows = page(&state.db, select, cover_override::Column::Id, &query, |c| {
        c.id
    })
    .await?;
    Ok(Json(map_page(rows, CoverOut::from)))
}

/// Set (or replace) the cover requirement of one shift on one date.
#[utoipa::path(put, path = "/units/{id}/cover-overrides", tag = "cover", params(("id" = i32, Path)),
    request_body = CoverIn,
    responses((status = 200, body = CoverOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn put_cover(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<CoverIn>,
) -> ApiResult<Json<CoverOut>> {
    caller.require(TokenRole::Planner)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    shift_types::of_unit(&state.db, id, body.shift_type_id, "shift_type_id").await?;
    let row = cover_override::ActiveModel {
        unit_id: Set(id),
        date: Set(body.date),
        shift_type_id: Set(body.shift_type_id),
        requirement: Set(domain::within("requirement", body.requirement, 0..=500)?),
        under_weight: Set(domain::within(
            "under_weight",
            body.under_weight.unwrap_or(100),
            0..=100_000,
        )?),
        over_weight: Set(domain::within(
            "over_weight",
            body.over_weight.unwrap_or(1),
            0..=100_000,
        )?),
        ..Default::default()
    };
    let key = [
        cover_override::Column::UnitId,
        cover_override::Column::Date,
        cover_override::Column::ShiftTypeId,
    ];
    cover_override::Entity::insert(row)
        .on_conflict(
            OnConflict::columns(key)
                .update_columns([
                    cover_override::Column::Requirement,
                    cover_override::Column::UnderWeight,
                    cover_override::Column::OverWeight,
                ])
                .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
    let stored = cover_override::Entity::find()
        .filter(cover_override::Column::UnitId.eq(id))
        .filter(cover_override::Column::Date.eq(body.date))
        .filter(cover_override::Column::ShiftTypeId.eq(body.shift_type_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| crate::error::ApiError::not_found("cover override"))?;
    Ok(Json(stored.into()))
}

/// Remove a cover override (the forecast applies again).
#[utoipa::path(delete, path = "/cover-overrides/{id}", tag = "cover", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn delete_cover(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> ApiResult<StatusCode> {
    caller.require(TokenRole::Planner)?;
    let found = find::<cover_override::Entity>(&state.db, id, "cover override").await?;
    cover_override::Entity::delete_by_id(found.id)
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
