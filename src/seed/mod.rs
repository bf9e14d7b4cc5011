//! Demo data: units, shift types, staff with contracts, leave, requests and years of demand.
//!
//! Deterministic for a seed and idempotent: every row has a natural key and is inserted with
//! `ON CONFLICT DO NOTHING`, so a second run changes nothing.

pub mod demand;
pub mod holidays;
pub mod noise;
pub mod staff;

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rota_entity::{
    RequestKind, demand_history, shift_request, shift_type, staff as staff_e, staff_day_off, unit,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub units: u32,
    pub staff_per_unit: u32,
    pub days: u32,
    pub seed: u64,
    /// Last day of history.
    pub end: NaiveDate,
}

/// Rows inserted by one run (zero everywhere on a repeated run).
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SeedReport {
    pub units: u64,
    pub shift_types: u64,
    pub staff: u64,
    pub days_off: u64,
    pub requests: u64,
    pub demand_rows: u64,
}

/// The demand trend is measured from a fixed day, so a date's value never depends on `--end`.
const TREND_ORIGIN: (i32, u32, u32) = (2024, 1, 1);

/// A demo shift type.
struct ShiftSpec {
    code: &'static str,
    name: &'static str,
    start: (u32, u32),
    minutes: i32,
    /// Codes that may not be worked the next day.
    forbidden_next: &'static [&'static str],
}

/// Early, Late, Night. A Late ends at 22:30 and a Night at 07:30, so each leaves under
/// 11 hours' rest before an Early (or, after a Night, a Late).
const SHIFTS: [ShiftSpec; 3] = [
    ShiftSpec {
        code: "E",
        name: "Early",
        start: (7, 0),
        minutes: 510,
        forbidden_next: &[],
    },
    ShiftSpec {
        code: "L",
        name: "Late",
        start: (14, 0),
        minutes: 510,
        forbidden_next: &["E"],
    },
    ShiftSpec {
        code: "N",
        name: "Night",
        start: (21, 30),
        minutes: 600,
        forbidden_next: &["E", "L"],
    },
];

const UNIT_SKILLS: [&str; 5] = ["triage", "critical_care", "midwife", "theatre", "clinic"];

/// Rows per INSERT: well under SQLite's bound-parameter limit.
const CHUNK: usize = 500;

/// Seeds the demo data set.
#[tracing::instrument(skip(db))]
pub async fn seed(db: &DatabaseConnection, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let origin = NaiveDate::from_ymd_opt(TREND_ORIGIN.0, TREND_ORIGIN.1, TREND_ORIGIN.2)
        .context("trend origin is a valid date")?;
    let txn = db.begin().await.context("cannot start a transaction")?;
    let mut report = SeedReport::default();
    for unit_index in 0..options.units as usize {
        let profile = demand::profile(unit_index);
        let unit_id = ensure_unit(&txn, &profile.name, &mut report).await?;
        let shift_ids = ensure_shift_types(&txn, unit_id, &mut report).await?;
        seed_staff(&txn, options, unit_index, unit_id, &shift_ids, &mut report).await?;
        seed_demand(
            &txn,
            options,
            unit_index,
            &profile,
            unit_id,
            &shift_ids,
            origin,
            &mut report,
        )
        .await?;
    }
    txn.commit().await.context("cannot commit the demo data")?;
    Ok(report)
}

async fn ensure_unit(
    db: &impl ConnectionTrait,
    name: &str,
    report: &mut SeedReport,
) -> anyhow::Result<i32> {
    let inserted = unit::Entity::insert(unit::ActiveModel {
        name: Set(name.to_string()),
        timezone: Set("Europe/London".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([unit::Column::Name])
    .exec_without_returning(db)
    .await
    .with_context(|| format!("cannot insert unit {name}"))?;
    report.units += rows(inserted);
    let unit = unit::Entity::find()
        .filter(unit::Column::Name.eq(name))
        .one(db)
        .await?
        .with_context(|| format!("unit {name} vanished after insert"))?;
    Ok(unit.id)
}

async fn ensure_shift_types(
    db: &impl ConnectionTrait,
    unit_id: i32,
    report: &mut SeedReport,
) -> anyhow::Result<Vec<i32>> {
    let models = SHIFTS.iter().map(|spec| shift_type::ActiveModel {
        unit_id: Set(unit_id),
        code: Set(spec.code.into()),
        name: Set(spec.name.into()),
        start_time: Set(NaiveTime::from_hms_opt(spec.start.0, spec.start.1, 0).unwrap_or_default()),
        length_minutes: Set(spec.minutes),
        forbidden_next: Set(json!(spec.forbidden_next)),
        min_rest_hours: Set(11),
        ..Default::default()
    });
    let inserted = shift_type::Entity::insert_many(models)
        .on_conflict_do_nothing_on([shift_type::Column::UnitId, shift_type::Column::Code])
        .exec_without_returning(db)
        .await
        .context("cannot insert shift types")?;
    report.shift_types += rows(inserted);
    let by_code: HashMap<String, i32> = shift_type::Entity::find()
        .filter(shift_type::Column::UnitId.eq(unit_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.code, s.id))
        .collect();
    SHIFTS
        .iter()
        .map(|spec| {
            by_code
                .get(spec.code)
                .copied()
                .with_context(|| format!("shift type {} missing after insert", spec.code))
        })
        .collect()
}

async fn seed_staff(
    db: &impl ConnectionTrait,
    options: &SeedOptions,
    unit_index: usize,
    unit_id: i32,
    shift_ids: &[i32],
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let skill = UNIT_SKILLS[unit_index % UNIT_SKILLS.len()];
    let specs: Vec<_> = (0..options.staff_per_unit as usize)
        .map(|i| staff::staff(unit_index, i, skill))
        .collect();
    let models = specs.iter().map(|s| staff_e::ActiveModel {
        unit_id: Set(unit_id),
        name: Set(s.name.clone()),
        skills: Set(s.skills.clone()),
        max_shifts_per_type: Set(s.max_shifts_per_type.clone()),
        min_total_minutes: Set(s.min_total_minutes),
        max_total_minutes: Set(s.max_total_minutes),
        min_consecutive_days: Set(s.min_consecutive_days),
        max_consecutive_days: Set(s.max_consecutive_days),
        min_consecutive_days_off: Set(s.min_consecutive_days_off),
        max_weekends: Set(s.max_weekends),
        active: Set(true),
        ..Default::default()
    });
    let inserted = staff_e::Entity::insert_many(models)
        .on_conflict_do_nothing_on([staff_e::Column::UnitId, staff_e::Column::Name])
        .exec_without_returning(db)
        .await
        .context("cannot insert staff")?;
    report.staff += rows(inserted);
    let ids: HashMap<String, i32> = staff_e::Entity::find()
        .filter(staff_e::Column::UnitId.eq(unit_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.name, s.id))
        .collect();

    // Leave and requests fall in the eight weeks after the history, where rotas are planned.
    let planning_start = next_monday(options.end);
    let mut days_off = Vec::new();
    let mut requests = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let staff_id = *ids
            .get(&spec.name)
            .with_context(|| format!("staff {} missing after insert", spec.name))?;
        if let Some((start, length)) = staff::leave(options.seed, unit_index, index) {
            for day in start..start + length {
                days_off.push(staff_day_off::ActiveModel {
                    staff_id: Set(staff_id),
                    date: Set(planning_start + Duration::days(day)),
                    reason: Set(Some("annual leave".into())),
                    ..Default::default()
                });
            }
        }
        for nth in 0..3 {
            let (day, shift, on, weight) = staff::request(options.seed, unit_index, index, nth);
            requests.push(shift_request::ActiveModel {
                staff_id: Set(staff_id),
                date: Set(planning_start + Duration::days(day)),
                shift_type_id: Set(shift_ids[shift]),
                kind: Set(if on {
                    RequestKind::On
                } else {
                    RequestKind::Off
                }),
                weight: Set(weight),
                ..Default::default()
            });
        }
    }
    for chunk in days_off.chunks(CHUNK) {
        let inserted = staff_day_off::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([
                staff_day_off::Column::StaffId,
                staff_day_off::Column::Date,
            ])
            .exec_without_returning(db)
            .await
            .context("cannot insert days off")?;
        report.days_off += rows(inserted);
    }
    for chunk in requests.chunks(CHUNK) {
        let inserted = shift_request::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([
                shift_request::Column::StaffId,
                shift_request::Column::Date,
                shift_request::Column::ShiftTypeId,
            ])
            .exec_without_returning(db)
            .await
            .context("cannot insert shift requests")?;
        report.requests += rows(inserted);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn seed_demand(
    db: &impl ConnectionTrait,
    options: &SeedOptions,
    unit_index: usize,
    profile: &demand::UnitProfile,
    unit_id: i32,
    shift_ids: &[i32],
    origin: NaiveDate,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let first = options.end - Duration::days(i64::from(options.days) - 1);
    let mut models = Vec::with_capacity(options.days as usize * shift_ids.len());
    for offset in 0..i64::from(options.days) {
        let date = first + Duration::days(offset);
        let required = demand::required(options.seed, unit_index, profile, date, origin);
        for (shift, shift_id) in shift_ids.iter().enumerate() {
            models.push(demand_history::ActiveModel {
                unit_id: Set(unit_id),
                date: Set(date),
                shift_type_id: Set(*shift_id),
                required: Set(required[shift]),
                ..Default::default()
            });
        }
    }
    for chunk in models.chunks(CHUNK) {
        let inserted = demand_history::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([
                demand_history::Column::UnitId,
                demand_history::Column::Date,
                demand_history::Column::ShiftTypeId,
            ])
            .exec_without_returning(db)
            .await
            .with_context(|| format!("cannot insert demand history of {}", profile.name))?;
        report.demand_rows += rows(inserted);
    }
    Ok(())
}

fn rows(result: sea_orm::TryInsertResult<u64>) -> u64 {
    match result {
        sea_orm::TryInsertResult::Inserted(n) => n,
        _ => 0,
    }
}

/// The Monday after `date` (rotas start on Mondays).
pub fn next_monday(date: NaiveDate) -> NaiveDate {
    let ahead = 7 - i64::from(date.weekday().num_days_from_monday());
    date + Duration::days(ahead)
}

/// Yesterday in UTC: the default last day of history.
pub fn default_end() -> NaiveDate {
    Utc::now().date_naive() - Duration::days(1)
}

/// Whether the database holds no unit yet.
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(unit::Entity::find().count(db).await? == 0)
}
