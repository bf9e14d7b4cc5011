//! Stored retrain and drift reports.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use rota_entity::{ReportKind, TokenRole, report};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_reports))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// `retrain` or `drift`.
    pub kind: Option<String>,
    /// At most this many, newest first (1–100, default 20).
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    pub id: i32,
    #[schema(value_type = String)]
    pub kind: ReportKind,
    pub created_at: DateTime<Utc>,
    pub body: serde_json::Value,
    pub markdown: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportOut>,
}

/// Recent retrain and drift reports, newest first.
#[utoipa::path(get, path = "/reports", tag = "reports", params(ReportQuery),
    responses((status = 200, body = ReportList), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
async fn list_reports(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Json<ReportList>> {
    caller.require(TokenRole::Viewer)?;
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 100"));
    }
    let mut select = report::Entity::find()
        .order_by_desc(report::Column::CreatedAt)
        .order_by_desc(report::Column::Id)
        .limit(limit);
    if let Some(kind) = &query.kind {
        let kind: ReportKind = super::parse_value("kind", kind, "retrain or drift")?;
        select = select.filter(report::Column::Kind.eq(kind));
    }
    let items = select
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| ReportOut {
            id: r.id,
            kind: r.kind,
            created_at: r.created_at,
            body: r.body,
            markdown: r.markdown,
        })
        .collect();
    Ok(Json(ReportList { items }))
}
