//! A unit model forecasts daily totals; stored forecasts are per shift. A promoted model's
//! forecast is split by the unit's recent shift mix and stored with its version, so a
//! rollback serves exactly the forecasts that version made.

use super::history::ShiftSplit;
use chrono::NaiveDate;
use rota_entity::forecast;
use rota_forecast::ForecastRow;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// One stored forecast value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftForecast {
    pub date: NaiveDate,
    pub shift_type_id: i32,
    pub yhat: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The daily rows split across the shifts of `split`; lower bounds below zero become zero.
pub fn per_shift(rows: &[ForecastRow], split: &ShiftSplit) -> Vec<ShiftForecast> {
    rows.iter()
        .flat_map(|row| {
            split.shifts().iter().map(move |&shift| {
                let f = split.fraction(row.ds, shift);
                ShiftForecast {
                    date: row.ds,
                    shift_type_id: shift,
                    yhat: row.yhat * f,
                    lower: (row.yhat_lower * f).max(0.0),
                    upper: row.yhat_upper * f,
                }
            })
        })
        .collect()
}

/// Replaces the forecasts of version `model_version_id` on the dates of `rows` (so running
/// the same forecast twice stores it once).
pub async fn replace(
    conn: &impl ConnectionTrait,
    unit_id: i32,
    model_version_id: i32,
    rows: &[ShiftForecast],
) -> Result<(), DbErr> {
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.date).min(),
        rows.iter().map(|r| r.date).max(),
    ) else {
        return Ok(());
    };
    forecast::Entity::delete_many()
        .filter(forecast::Column::ModelVersionId.eq(model_version_id))
        .filter(forecast::Column::Date.between(first, last))
        .exec(conn)
        .await?;
    let models: Vec<forecast::ActiveModel> = rows
        .iter()
        .map(|r| forecast::ActiveModel {
            unit_id: Set(unit_id),
            model_version_id: Set(model_version_id),
            date: Set(r.date),
            shift_type_id: Set(r.shift_type_id),
            yhat: Set(r.yhat),
            lower: Set(r.lower),
            upper: Set(r.upper),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(500) {
        forecast::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
