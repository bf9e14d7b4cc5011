//! Demo data: deterministic, idempotent, and shaped like real demand.

use crate::support::{Backend, TestDb};
use chrono::{Datelike, NaiveDate};
use rota::seed::{SeedOptions, seed};
use rota_entity::demand_history;
use rota_entity::prelude::*;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use std::collections::HashMap;

fn options(days: u32) -> SeedOptions {
    SeedOptions {
        units: 5,
        staff_per_unit: 14,
        days,
        seed: 42,
        end: NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date"),
    }
}

async fn counts(db: &DatabaseConnection) -> [u64; 6] {
    [
        Unit::find().count(db).await.expect("count"),
        ShiftType::find().count(db).await.expect("count"),
        Staff::find().count(db).await.expect("count"),
        StaffDayOff::find().count(db).await.expect("count"),
        ShiftRequest::find().count(db).await.expect("count"),
        DemandHistory::find().count(db).await.expect("count"),
    ]
}

async fn seeding_twice_changes_nothing(backend: Backend) {
    let test = TestDb::new(backend).await;
    rota::db::migrate_up(&test.db).await.expect("migrate");

    let first = seed(&test.db, &options(120)).await.expect("first seed");
    let after_first = counts(&test.db).await;
    assert_eq!(first.units, 5);
    assert_eq!(first.staff, 70);
    assert_eq!(first.demand_rows, 5 * 120 * 3);
    assert!(first.days_off > 0 && first.requests > 0);
    let snapshot: Vec<demand_history::Model> =
        DemandHistory::find().all(&test.db).await.expect("rows");

    let second = seed(&test.db, &options(120)).await.expect("second seed");
    assert_eq!(
        second,
        rota::seed::SeedReport::default(),
        "second run inserts nothing"
    );
    assert_eq!(counts(&test.db).await, after_first);
    let again: Vec<demand_history::Model> =
        DemandHistory::find().all(&test.db).await.expect("rows");
    assert_eq!(snapshot, again);
}

#[tokio::test]
async fn seeding_twice_leaves_identical_rows_on_sqlite() {
    seeding_twice_changes_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn seeding_twice_leaves_identical_rows_on_postgres() {
    seeding_twice_changes_nothing(Backend::Postgres).await;
}

#[tokio::test]
async fn same_seed_gives_the_same_demand_in_two_databases() {
    let a = TestDb::sqlite().await;
    let b = TestDb::postgres().await;
    for test in [&a, &b] {
        rota::db::migrate_up(&test.db).await.expect("migrate");
        seed(&test.db, &options(60)).await.expect("seed");
    }
    let values = |rows: Vec<demand_history::Model>| -> Vec<(NaiveDate, i32)> {
        rows.into_iter().map(|r| (r.date, r.required)).collect()
    };
    use sea_orm::QueryOrder;
    let order = |q: sea_orm::Select<DemandHistory>| {
        q.order_by_asc(demand_history::Column::UnitId)
            .order_by_asc(demand_history::Column::Date)
            .order_by_asc(demand_history::Column::ShiftTypeId)
    };
    let rows_a = order(DemandHistory::find()).all(&a.db).await.expect("rows");
    let rows_b = order(DemandHistory::find()).all(&b.db).await.expect("rows");
    assert_eq!(values(rows_a), values(rows_b));
}

#[tokio::test]
async fn demo_demand_has_a_weekly_shape() {
    let test = TestDb::sqlite().await;
    rota::db::migrate_up(&test.db).await.expect("migrate");
    seed(&test.db, &options(730)).await.expect("seed");

    let rows = DemandHistory::find().all(&test.db).await.expect("rows");
    // Per unit: mean daily demand (all shifts) by weekday.
    let mut sums: HashMap<(i32, u32), (f64, u32)> = HashMap::new();
    let mut daily: HashMap<(i32, NaiveDate), i32> = HashMap::new();
    for row in &rows {
        *daily.entry((row.unit_id, row.date)).or_default() += row.required;
    }
    for ((unit, date), total) in daily {
        let entry = sums
            .entry((unit, date.weekday().num_days_from_monday()))
            .or_default();
        entry.0 += f64::from(total);
        entry.1 += 1;
    }
    let units: std::collections::BTreeSet<i32> = sums.keys().map(|(u, _)| *u).collect();
    assert_eq!(units.len(), 5);
    for unit in units {
        let means: Vec<f64> = (0..7)
            .map(|wd| {
                let (sum, n) = sums[&(unit, wd)];
                sum / f64::from(n)
            })
            .collect();
        let max = means.iter().cloned().fold(f64::MIN, f64::max);
        let min = means.iter().cloned().fold(f64::MAX, f64::min);
        assert!(
            max / min > 1.10,
            "unit {unit}: weekday means {means:?} differ by less than 10 %"
        );
    }
}
