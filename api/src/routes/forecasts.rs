//! A unit's forecast demand, from its active model version.

use super::{find, shift_codes};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{ApiPath, ApiQuery};
use crate::read_cache::{json_text, json_through};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use rota_entity::{ModelStatus, TokenRole, forecast, model_version, unit};
use rota_worker::cache::keys;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_forecast))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ForecastQuery {
    /// First date, inclusive [default: the first forecast date].
    pub from: Option<NaiveDate>,
    /// Last date, inclusive [default: the last forecast date].
    pub to: Option<NaiveDate>,
}

/// One forecast value with its interval.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ForecastPoint {
    pub date: NaiveDate,
    pub shift: String,
    pub yhat: f64,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ForecastOut {
    pub unit_id: i32,
    /// The active model version that made the forecast; absent when the unit has none yet.
    pub model_version: Option<i32>,
    pub algorithm: Option<String>,
    pub items: Vec<ForecastPoint>,
}

/// The forecast of a unit's demand per date and shift, with its interval.
#[utoipa::path(get, path = "/units/{id}/forecast", tag = "forecasts", params(("id" = i32, Path), ForecastQuery),
    responses((status = 200, body = ForecastOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn read_forecast(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<ForecastQuery>,
) -> ApiResult<Response> {
    caller.require(TokenRole::Viewer)?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ApiError::invalid("from", "must not be after `to`"));
    }
    // A cached answer implies the unit existed when it was stored; deleting a unit deletes
    // its model versions, and the entry with them within the TTL.
    let text = json_through(
        &state,
        "forecast",
        &keys::forecasts(id),
        || async {
            find::<unit::Entity>(&state.db, id, "unit").await?;
            load(&state.db, id, None, None).await
        },
        // No model yet is cheap to answer, and no event announces the first model's rows.
        |out: &ForecastOut| out.model_version.is_some(),
    )
    .await?;
    if query.from.is_none() && query.to.is_none() {
        return Ok(json_text(text));
    }
    let mut out: ForecastOut = serde_json::from_str(&text)
        .map_err(|e| ApiError::new(Code::Internal, format!("cached forecast unreadable: {e}")))?;
    out.items.retain(|p| {
        query.from.is_none_or(|from| p.date >= from) && query.to.is_none_or(|to| p.date <= to)
    });
    Ok(Json(out).into_response())
}

/// The active model's forecast of unit `id` between the dates given.
pub async fn load(
    db: &sea_orm::DatabaseConnection,
    id: i32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<ForecastOut> {
    let Some(active) = model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(id))
        .filter(model_version::Column::Status.eq(ModelStatus::Active))
        .one(db)
        .await?
    else {
        return Ok(ForecastOut {
            unit_id: id,
            model_version: None,
            algorithm: None,
            items: Vec::new(),
        });
    };
    let codes = shift_codes(db, id).await?;
    let mut select =
        forecast::Entity::find().filter(forecast::Column::ModelVersionId.eq(active.id));
    if let Some(from) = from {
        select = select.filter(forecast::Column::Date.gte(from));
    }
    if let Some(to) = to {
        select = select.filter(forecast::Column::Date.lte(to));
    }
    let rows = select
        .order_by_asc(forecast::Column::Date)
        .order_by_asc(forecast::Column::ShiftTypeId)
        .all(db)
        .await?;
    Ok(ForecastOut {
        unit_id: id,
        model_version: Some(active.version),
        algorithm: Some(active.algorithm),
        items: rows
            .into_iter()
            .map(|r| ForecastPoint {
                date: r.date,
                shift: codes.get(&r.shift_type_id).cloned().unwrap_or_default(),
                yhat: r.yhat,
                lower: r.lower,
                upper: r.upper,
            })
            .collect(),
    })
}
