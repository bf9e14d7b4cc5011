//! Cover requirements for a solve: from the forecast at a quantile, from history, or from the
//! planner's overrides only. Overrides always beat the other sources.

use crate::CoverSource;
use anyhow::bail;
use chrono::{Datelike, Duration, NaiveDate};
use rota_entity::{
    ModelStatus, cover_override, demand_history, forecast, model_version, shift_type,
};
use rota_solver::Cover;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Penalty per missing person, and per person too many, where no override says otherwise.
pub const UNDER_WEIGHT: i64 = 100;
pub const OVER_WEIGHT: i64 = 1;
/// Weeks of history averaged for `cover: history`.
const HISTORY_WEEKS: i64 = 8;
/// The forecast interval is an 80 % interval: ±1.2816 standard deviations.
const Z_80: f64 = 1.281_551_565_545;

/// Cover rows for every (day, shift) of the horizon with a requirement.
pub async fn cover(
    db: &DatabaseConnection,
    unit_id: i32,
    source: &CoverSource,
    dates: &[NaiveDate],
    shifts: &[shift_type::Model],
) -> anyhow::Result<Vec<Cover>> {
    let (Some(&start), Some(&end)) = (dates.first(), dates.last()) else {
        return Ok(Vec::new());
    };
    let shift_index: HashMap<i32, usize> =
        shifts.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut requirement: HashMap<(usize, usize), (u32, i64, i64)> = HashMap::new();
    match source {
        CoverSource::Forecast { quantile } => {
            let Some(active) = model_version::Entity::find()
                .filter(model_version::Column::UnitId.eq(unit_id))
                .filter(model_version::Column::Status.eq(ModelStatus::Active))
                .one(db)
                .await?
            else {
                bail!(
                    "unit {unit_id} has no active forecast model; retrain it, or solve with cover=history or explicit"
                );
            };
            let z = inverse_normal(*quantile);
            let rows = forecast::Entity::find()
                .filter(forecast::Column::ModelVersionId.eq(active.id))
                .filter(forecast::Column::Date.between(start, end))
                .all(db)
                .await?;
            if rows.is_empty() {
                bail!(
                    "the active model of unit {unit_id} has no forecast for {start}..{end}; run a forecast job first, or solve with cover=history"
                );
            }
            for row in rows {
                if let Some(&shift) = shift_index.get(&row.shift_type_id) {
                    let sigma = (row.upper - row.lower).max(0.0) / (2.0 * Z_80);
                    let value = (row.yhat + z * sigma).max(0.0).round() as u32;
                    let day = (row.date - start).num_days() as usize;
                    requirement.insert((day, shift), (value, UNDER_WEIGHT, OVER_WEIGHT));
                }
            }
        }
        CoverSource::History => {
            let from = start - Duration::weeks(HISTORY_WEEKS);
            let rows = demand_history::Entity::find()
                .filter(demand_history::Column::UnitId.eq(unit_id))
                .filter(demand_history::Column::Date.between(from, start - Duration::days(1)))
                .all(db)
                .await?;
            if rows.is_empty() {
                bail!(
                    "unit {unit_id} has no demand history in the {HISTORY_WEEKS} weeks before {start}"
                );
            }
            let mut sums: HashMap<(u32, usize), (f64, f64)> = HashMap::new();
            for row in rows {
                if let Some(&shift) = shift_index.get(&row.shift_type_id) {
                    let entry = sums
                        .entry((row.date.weekday().num_days_from_monday(), shift))
                        .or_default();
                    entry.0 += f64::from(row.required);
                    entry.1 += 1.0;
                }
            }
            for (day, date) in dates.iter().enumerate() {
                for shift in 0..shifts.len() {
                    if let Some((sum, n)) =
                        sums.get(&(date.weekday().num_days_from_monday(), shift))
                    {
                        let value = (sum / n).round().max(0.0) as u32;
                        requirement.insert((day, shift), (value, UNDER_WEIGHT, OVER_WEIGHT));
                    }
                }
            }
        }
        CoverSource::Explicit => {}
    }
    for row in cover_override::Entity::find()
        .filter(cover_override::Column::UnitId.eq(unit_id))
        .filter(cover_override::Column::Date.between(start, end))
        .all(db)
        .await?
    {
        if let Some(&shift) = shift_index.get(&row.shift_type_id) {
            let day = (row.date - start).num_days() as usize;
            requirement.insert(
                (day, shift),
                (
                    row.requirement.max(0) as u32,
                    i64::from(row.under_weight),
                    i64::from(row.over_weight),
                ),
            );
        }
    }
    if requirement.is_empty() {
        bail!("no cover requirement for unit {unit_id} between {start} and {end}");
    }
    let mut cover: Vec<Cover> = requirement
        .into_iter()
        .map(
            |((day, shift), (requirement, under_weight, over_weight))| Cover {
                day,
                shift,
                requirement,
                under_weight,
                over_weight,
                skill: None,
            },
        )
        .collect();
    cover.sort_by_key(|c| (c.day, c.shift));
    Ok(cover)
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        assert!(inverse_normal(0.5).abs() < 1e-9);
        assert!((inverse_normal(0.9) - Z_80).abs() < 1e-8);
        assert!((inverse_normal(0.975) - 1.959_963_984_540).abs() < 1e-8);
        assert!((inverse_normal(0.01) + 2.326_347_874_041).abs() < 1e-8);
    }
}
