//! Demand history: bulk import (CSV or JSON, all rows or none) and reads by date range.

use super::{find, shift_codes};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Code, FieldError, Problem};
use crate::extract::{ApiPath, ApiQuery, is_json, parse_json, read_body};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use chrono::{Duration, NaiveDate};
use rota_entity::{TokenRole, demand_history, unit};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_demand, import_demand))
}

/// Most rows one import may carry.
const MAX_ROWS: usize = 200_000;
/// Most row errors reported back (the rest are counted).
const MAX_ERRORS: usize = 100;
/// Rows per INSERT, under SQLite's bound-parameter limit.
const CHUNK: usize = 1_000;

/// One day's requirement for one shift.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandRow {
    pub date: NaiveDate,
    /// Shift code, e.g. `E`.
    pub shift: String,
    /// Staff required, 0 to 500.
    pub required: i32,
}

/// The JSON form of an import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandImport {
    pub rows: Vec<DemandRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// Rows written (new or replaced).
    pub rows: usize,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RangeQuery {
    /// First date, inclusive [default: 90 days before `to`].
    pub from: Option<NaiveDate>,
    /// Last date, inclusive [default: the latest date on record].
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DemandOut {
    pub items: Vec<DemandRow>,
}

/// Read a unit's demand history over a date range (at most ten years).
#[utoipa::path(get, path = "/units/{id}/demand", tag = "demand", params(("id" = i32, Path), RangeQuery),
    responses((status = 200, body = DemandOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn read_demand(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    ApiQuery(range): ApiQuery<RangeQuery>,
) -> ApiResult<Json<DemandOut>> {
    caller.require(TokenRole::Viewer)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let to = match range.to {
        Some(to) => to,
        None => match demand_history::Entity::find()
            .filter(demand_history::Column::UnitId.eq(id))
            .order_by_desc(demand_history::Column::Date)
            .one(&state.db)
            .await?
        {
            Some(latest) => latest.date,
            None => return Ok(Json(DemandOut { items: Vec::new() })),
        },
    };
    let from = range.from.unwrap_or(to - Duration::days(89));
    if from > to {
        return Err(ApiError::invalid("from", "must not be after `to`"));
    }
    if (to - from).num_days() > 3660 {
        return Err(ApiError::invalid(
            "from",
            "the range may span at most ten years",
        ));
    }
    let codes = shift_codes(&state.db, id).await?;
    let rows = demand_history::Entity::find()
        .filter(demand_history::Column::UnitId.eq(id))
        .filter(demand_history::Column::Date.between(from, to))
        .order_by_asc(demand_history::Column::Date)
        .order_by_asc(demand_history::Column::ShiftTypeId)
        .all(&state.db)
        .await?;
    let items = rows
        .into_iter()
        .map(|r| DemandRow {
            date: r.date,
            shift: codes.get(&r.shift_type_id).cloned().unwrap_or_default(),
            required: r.required,
        })
        .collect();
    Ok(Json(DemandOut { items }))
}

/// Import demand history: `text/csv` with header `date,shift,required`, or JSON
/// `{"rows": [...]}`. Rows for a date and shift already on record replace it. Every row is
/// checked first; if any is bad, nothing is written and each bad row is reported.
#[utoipa::path(post, path = "/units/{id}/demand", tag = "demand", params(("id" = i32, Path)),
    request_body(content(
        (DemandImport = "application/json"),
        (String = "text/csv", example = "date,shift,required\n2026-01-05,E,7\n")
    )),
    responses((status = 200, body = ImportResult), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(unit = id))]
async fn import_demand(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    request: Request,
) -> ApiResult<Json<ImportResult>> {
    caller.require(TokenRole::Planner)?;
    find::<unit::Entity>(&state.db, id, "unit").await?;
    let content_type = request.headers().get(CONTENT_TYPE).cloned();
    let body = read_body(request, &state).await?;
    let (rows, label) = if is_json(content_type.as_ref()) {
        (parse_json::<DemandImport>(&body)?.rows, RowLabel::Json)
    } else if is_csv(content_type.as_ref()) {
        (parse_csv(&body)?, RowLabel::Csv)
    } else {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "send text/csv (date,shift,required) or application/json ({\"rows\": [...]})",
        ));
    };
    if rows.len() > MAX_ROWS {
        return Err(ApiError::new(
            Code::PayloadTooLarge,
            format!("at most {MAX_ROWS} rows per import; split the file"),
        ));
    }

    let ids: HashMap<String, i32> = shift_codes(&state.db, id)
        .await?
        .into_iter()
        .map(|(shift_id, code)| (code, shift_id))
        .collect();
    let mut errors = Vec::new();
    let mut error_count = 0;
    let mut seen = HashSet::new();
    let mut models = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let mut fail = |field: &str, detail: String| {
            error_count += 1;
            if errors.len() < MAX_ERRORS {
                errors.push(FieldError {
                    field: label.field(index, field),
                    detail,
                });
            }
        };
        let Some(&shift_id) = ids.get(&row.shift) else {
            fail(
                "shift",
                format!("unit {id} has no shift type '{}'", row.shift),
            );
            continue;
        };
        if !(0..=500).contains(&row.required) {
            fail("required", "must be between 0 and 500".into());
            continue;
        }
        if !seen.insert((row.date, shift_id)) {
            fail(
                "date",
                format!("{} {} appears twice in this import", row.date, row.shift),
            );
            continue;
        }
        models.push(demand_history::ActiveModel {
            unit_id: Set(id),
            date: Set(row.date),
            shift_type_id: Set(shift_id),
            required: Set(row.required),
            ..Default::default()
        });
    }
    if error_count > 0 {
        return Err(ApiError::invalid_many(
            format!(
                "{error_count} of {} rows are invalid; nothing was imported",
                rows.len()
            ),
            errors,
        ));
    }

    let txn = state.db.begin().await?;
    for chunk in models.chunks(CHUNK) {
        demand_history::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    demand_history::Column::UnitId,
                    demand_history::Column::Date,
                    demand_history::Column::ShiftTypeId,
                ])
                .update_column(demand_history::Column::Required)
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Json(ImportResult {
        rows: rows.len(),
        first_date: rows.iter().map(|r| r.date).min(),
        last_date: rows.iter().map(|r| r.date).max(),
    }))
}

/// How a row is named in errors: JSON rows by index, CSV rows by line number.
#[derive(Clone, Copy)]
enum RowLabel {
    Json,
    Csv,
}

impl RowLabel {
    fn field(self, index: usize, field: &str) -> String {
        match self {
            Self::Json => format!("rows[{index}].{field}"),
            // Line 1 is the header.
            Self::Csv => format!("line {}.{field}", index + 2),
        }
    }
}

fn is_csv(value: Option<&axum::http::HeaderValue>) -> bool {
    value
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("text/csv")
        })
        .unwrap_or(false)
}

fn parse_csv(body: &[u8]) -> ApiResult<Vec<DemandRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|err| ApiError::new(Code::MalformedRequest, format!("unreadable CSV: {err}")))?
        .clone();
    let expected = ["date", "shift", "required"];
    if headers.iter().collect::<Vec<_>>() != expected {
        return Err(ApiError::invalid(
            "line 1",
            "the header must be exactly: date,shift,required",
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut error_count = 0;
    for (index, record) in reader.records().enumerate() {
        let mut fail = |field: &str, detail: String| {
            error_count += 1;
            if errors.len() < MAX_ERRORS {
                errors.push(FieldError {
                    field: RowLabel::Csv.field(index, field),
                    detail,
                });
            }
        };
        let record = match record {
            Ok(record) if record.len() == 3 => record,
            Ok(record) => {
                fail("row", format!("expected 3 fields, found {}", record.len()));
                continue;
            }
            Err(err) => {
                fail("row", err.to_string());
                continue;
            }
        };
        let date = NaiveDate::parse_from_str(&record[0], "%Y-%m-%d");
        let required = record[2].parse::<i32>();
        match (date, required) {
            (Ok(date), Ok(required)) => rows.push(DemandRow {
                date,
                shift: record[1].to_string(),
                required,
            }),
            (date, required) => {
                if date.is_err() {
                    fail(
                        "date",
                        format!("'{}' is not a date (YYYY-MM-DD)", &record[0]),
                    );
                }
                if required.is_err() {
                    fail(
                        "required",
                        format!("'{}' is not a whole number", &record[2]),
                    );
                }
            }
        }
    }
    if error_count > 0 {
        return Err(ApiError::invalid_many(
            format!("{error_count} rows are invalid; nothing was imported"),
            errors,
        ));
    }
    Ok(rows)
}
