//! The `/api/v1` routes, one module per resource.

pub mod calendar;
pub mod cover;
pub mod demand;
pub mod forecasts;
pub mod job_actions;
pub mod jobs;
pub mod models;
pub mod reports;
pub mod rotas;
pub mod shift_types;
pub mod staff;
pub mod units;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageQuery};
use sea_orm::{
    ColumnTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(units::router())
        .merge(shift_types::router())
        .merge(staff::router())
        .merge(calendar::router())
        .merge(cover::router())
        .merge(demand::router())
        .merge(models::router())
        .merge(jobs::router())
        .merge(job_actions::router())
        .merge(forecasts::router())
        .merge(rotas::router())
        .merge(reports::router())
}

/// A row by id, or a 404 naming it.
pub async fn find<E>(db: &sea_orm::DatabaseConnection, id: i32, what: &str) -> ApiResult<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("{what} {id}")))
}

/// One page of `select`, ordered by the integer id column `id`.
pub async fn page<E, C>(
    db: &sea_orm::DatabaseConnection,
    select: Select<E>,
    id: C,
    query: &PageQuery,
    id_of: impl Fn(&E::Model) -> i32,
) -> ApiResult<Page<E::Model>>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let limit = query.limit()?;
    let mut select = select.order_by_asc(id).limit(limit + 1);
    if let Some(after) = query.after()? {
        select = select.filter(id.gt(after));
    }
    let rows = select.all(db).await?;
    Ok(Page::from_rows(rows, limit, id_of))
}

/// Maps a page of models to a page of response bodies.
pub fn map_page<M, T>(page: Page<M>, f: impl Fn(M) -> T) -> Page<T> {
    Page {
        items: page.items.into_iter().map(f).collect(),
        next: page.next,
    }
}

/// Shift codes of unit `unit_id`, by shift type id.
pub async fn shift_codes(
    db: &sea_orm::DatabaseConnection,
    unit_id: i32,
) -> ApiResult<std::collections::HashMap<i32, String>> {
    Ok(rota_entity::shift_type::Entity::find()
        .filter(rota_entity::shift_type::Column::UnitId.eq(unit_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect())
}

/// A query value naming an enumerated column's value (`running`, `drift`, ...), or a 422
/// naming `field` and the accepted values.
pub fn parse_value<T: serde::de::DeserializeOwned>(
    field: &str,
    raw: &str,
    accepted: &str,
) -> ApiResult<T> {
    serde_json::from_value(serde_json::Value::String(raw.to_string()))
        .map_err(|_| ApiError::invalid(field, format!("must be {accepted}")))
}
