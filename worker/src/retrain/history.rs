//! What the pipeline trains on: each unit's daily total demand (all shifts summed) over its
//! latest days, and how that total splits across its shifts, so one model per unit can still
//! forecast every shift.

use chrono::{Datelike, Duration, NaiveDate};
use rota_entity::{demand_history, unit};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};
use std::collections::{BTreeMap, HashMap};

/// Weeks of history the shift split is averaged over: recent enough to follow a changed
/// skill mix, long enough to smooth one odd week.
const SPLIT_WEEKS: i64 = 8;

/// The units to work on: one (an error if it does not exist) or all, by id.
pub async fn units(db: &DatabaseConnection, only: Option<i32>) -> anyhow::Result<Vec<unit::Model>> {
    let mut select = unit::Entity::find().order_by_asc(unit::Column::Id);
    if let Some(id) = only {
        select = select.filter(unit::Column::Id.eq(id));
    }
    let units = select.all(db).await?;
    if let Some(id) = only
        && units.is_empty()
    {
        anyhow::bail!("unit {id} does not exist");
    }
    Ok(units)
}

/// The unit called `name` (exact, case-sensitive) — how the CLI names units.
pub async fn unit_by_name(db: &DatabaseConnection, name: &str) -> anyhow::Result<unit::Model> {
    unit::Entity::find()
        .filter(unit::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("unit '{name}' does not exist"))
}

/// Each unit's daily totals over its latest `days` days of history (fewer when it has
/// less), ascending. Units without any history are absent.
pub async fn daily_totals(
    db: &DatabaseConnection,
    unit_ids: &[i32],
    days: u32,
) -> anyhow::Result<HashMap<i32, Vec<(NaiveDate, f64)>>> {
    let rows: Vec<(i32, NaiveDate, i64)> = demand_history::Entity::find()
        .select_only()
        .column(demand_history::Column::UnitId)
        .column(demand_history::Column::Date)
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(demand_history::Column::Required)),
                "bigint",
            )),
            "total",
        )
        .filter(demand_history::Column::UnitId.is_in(unit_ids.iter().copied()))
        .group_by(demand_history::Column::UnitId)
        .group_by(demand_history::Column::Date)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_unit: HashMap<i32, BTreeMap<NaiveDate, f64>> = HashMap::new();
    for (unit_id, date, total) in rows {
        by_unit
            .entry(unit_id)
            .or_default()
            .insert(date, total as f64);
    }
    Ok(by_unit
        .into_iter()
        .map(|(unit_id, series)| {
            let last = series.keys().next_back().copied();
            let kept = match last {
                Some(last) => {
                    let first = last - Duration::days(i64::from(days) - 1);
                    series.range(first..).map(|(d, v)| (*d, *v)).collect()
                }
                None => Vec::new(),
            };
            (unit_id, kept)
        })
        .collect())
}

/// How a unit's daily total splits across its shifts, per weekday.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShiftSplit {
    /// (weekday from Monday, shift type id) → fraction of the day's total.
    fractions: HashMap<(u32, i32), f64>,
    shifts: Vec<i32>,
}

impl ShiftSplit {
    /// The shift types the split covers, ascending.
    pub fn shifts(&self) -> &[i32] {
        &self.shifts
    }

    /// The fraction of `date`'s total that falls on `shift`.
    pub fn fraction(&self, date: NaiveDate, shift: i32) -> f64 {
        let weekday = date.weekday().num_days_from_monday();
        self.fractions
            .get(&(weekday, shift))
            .copied()
            .unwrap_or(0.0)
    }
}

/// The split of the [`SPLIT_WEEKS`] weeks ending on `end` of each unit (`end` per unit).
pub async fn shift_splits(
    db: &DatabaseConnection,
    ends: &HashMap<i32, NaiveDate>,
) -> anyhow::Result<HashMap<i32, ShiftSplit>> {
    let Some(earliest) = ends.values().min().copied() else {
        return Ok(HashMap::new());
    };
    let from = earliest - Duration::weeks(SPLIT_WEEKS) + Duration::days(1);
    let rows: Vec<(i32, NaiveDate, i32, i32)> = demand_history::Entity::find()
        .select_only()
        .column(demand_history::Column::UnitId)
        .column(demand_history::Column::Date)
        .column(demand_history::Column::ShiftTypeId)
        .column(demand_history::Column::Required)
        .filter(demand_history::Column::UnitId.is_in(ends.keys().copied()))
        .filter(demand_history::Column::Date.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    let mut sums: HashMap<i32, HashMap<(u32, i32), f64>> = HashMap::new();
    for (unit_id, date, shift, required) in rows {
        let Some(end) = ends.get(&unit_id) else {
            continue;
        };
        if date > *end || date <= *end - Duration::weeks(SPLIT_WEEKS) {
            continue;
        }
        let weekday = date.weekday().num_days_from_monday();
        *sums
            .entry(unit_id)
            .or_default()
            .entry((weekday, shift))
            .or_default() += f64::from(required.max(0));
    }
    Ok(sums
        .into_iter()
        .map(|(unit_id, sums)| (unit_id, split_of(&sums)))
        .collect())
}

/// Fractions from per (weekday, shift) sums; a weekday with no demand splits evenly.
fn split_of(sums: &HashMap<(u32, i32), f64>) -> ShiftSplit {
    let mut shifts: Vec<i32> = sums.keys().map(|(_, s)| *s).collect();
    shifts.sort_unstable();
    shifts.dedup();
    let mut fractions = HashMap::new();
    for weekday in 0..7 {
        let total: f64 = shifts
            .iter()
            .map(|s| sums.get(&(weekday, *s)).copied().unwrap_or(0.0))
            .sum();
        for shift in &shifts {
            let fraction = if total > 0.0 {
                sums.get(&(weekday, *shift)).copied().unwrap_or(0.0) / total
            } else {
                1.0 / shifts.len() as f64
            };
            fractions.insert((weekday, *shift), fraction);
        }
    }
    ShiftSplit { fractions, shifts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekday_splits_in_proportion_to_its_shifts_and_an_empty_one_evenly() {
        let sums = HashMap::from([((0, 1), 30.0), ((0, 2), 10.0), ((1, 1), 0.0), ((1, 2), 0.0)]);
        let split = split_of(&sums);
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        assert_eq!(split.fraction(monday, 1), 0.75);
        assert_eq!(split.fraction(monday, 2), 0.25);
        assert_eq!(
            split.fraction(monday.succ_opt().unwrap_or_default(), 1),
            0.5
        );
    }
}
