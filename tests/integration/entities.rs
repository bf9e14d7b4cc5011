//! Every entity writes and reads back unchanged, on both databases.

use crate::support::{Backend, TestDb};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rota_entity::*;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;

/// Timestamps at whole seconds: PostgreSQL keeps microseconds, SQLite text keeps nanoseconds,
/// and the round trip must compare equal on both.
fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("valid timestamp")
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("valid date")
}

async fn write_and_read_every_entity(backend: Backend) {
    let test = TestDb::new(backend).await;
    let db = &test.db;
    ::rota::db::migrate_up(db).await.expect("migrations apply");

    macro_rules! round_trip {
        ($module:ident, $model:expr) => {{
            let written: $module::Model = $model;
            let mut active = written.clone().into_active_model();
            // The database assigns integer keys.
            active.id = sea_orm::ActiveValue::NotSet;
            let inserted = active
                .insert(db)
                .await
                .expect(concat!("insert ", stringify!($module)));
            let read = $module::Entity::find_by_id(inserted.id.clone())
                .one(db)
                .await
                .expect(concat!("select ", stringify!($module)))
                .expect(concat!(stringify!($module), " row exists"));
            assert_eq!(
                read,
                inserted,
                "{} changed on the way through",
                stringify!($module)
            );
            read
        }};
    }

    let unit = round_trip!(
        unit,
        unit::Model {
            id: 0,
            name: "Ward 7".into(),
            timezone: "Europe/London".into(),
            created_at: at(1_790_000_000),
        }
    );
    assert_eq!(unit.name, "Ward 7");
    let shift = round_trip!(
        shift_type,
        shift_type::Model {
            id: 0,
            unit_id: unit.id,
            code: "N".into(),
            name: "Night".into(),
            start_time: NaiveTime::from_hms_opt(21, 30, 0).expect("time"),
            length_minutes: 600,
            forbidden_next: json!(["E", "L"]),
            min_rest_hours: 11,
        }
    );
    assert_eq!(shift.forbidden_next, json!(["E", "L"]));
    let person = round_trip!(
        staff,
        staff::Model {
            id: 0,
            unit_id: unit.id,
            name: "Rosa Patel".into(),
            skills: json!(["senior", "midwife"]),
            max_shifts_per_type: json!({"N": 4}),
            min_total_minutes: 4_320,
            max_total_minutes: 9_600,
            min_consecutive_days: 2,
            max_consecutive_days: 5,
            min_consecutive_days_off: 2,
            max_weekends: 2,
            active: true,
        }
    );
    round_trip!(
        staff_day_off,
        staff_day_off::Model {
            id: 0,
            staff_id: person.id,
            date: day(30),
            reason: Some("annual leave".into()),
        }
    );
    round_trip!(
        shift_request,
        shift_request::Model {
            id: 0,
            staff_id: person.id,
            date: day(28),
            shift_type_id: shift.id,
            kind: RequestKind::Off,
            weight: 3,
        }
    );
    round_trip!(
        demand_history,
        demand_history::Model {
            id: 0,
            unit_id: unit.id,
            date: day(1),
            shift_type_id: shift.id,
            required: 6,
        }
    );
    round_trip!(
        cover_override,
        cover_override::Model {
            id: 0,
            unit_id: unit.id,
            date: day(24),
            shift_type_id: shift.id,
            requirement: 7,
            under_weight: 100,
            over_weight: 1,
        }
    );
    let model = round_trip!(
        model_version,
        model_version::Model {
            id: 0,
            unit_id: unit.id,
            version: 1,
            algorithm: "prophet".into(),
            trained_at: at(1_790_000_100),
            train_start: day(1),
            train_end: day(20),
            model: json!({"format": 1, "params": [0.25, -1.5e-3]}),
            holdout_mape: Some(0.0734),
            baseline_mape: Some(0.1102),
            status: ModelStatus::Active,
            reason: None,
            job_id: Some(uuid::Uuid::nil()),
        }
    );
    round_trip!(
        forecast,
        forecast::Model {
            id: 0,
            unit_id: unit.id,
            model_version_id: model.id,
            date: day(21),
            shift_type_id: shift.id,
            yhat: 6.125,
            lower: 4.5,
            upper: 7.75,
        }
    );
    let job_id = uuid::Uuid::new_v4();
    let job_model = job::Model {
        id: job_id,
        kind: JobKind::Solve,
        status: JobStatus::Running,
        progress: 0.5,
        progress_message: Some("improving".into()),
        attempts: 1,
        max_attempts: 3,
        idempotency_key: Some("solve-ward7-2026-11-30".into()),
        unit_id: Some(unit.id),
        payload: json!({"unit": unit.id, "days": 28}),
        result: None,
        error: None,
        worker_id: Some("host:1:abcd".into()),
        cancel_requested: false,
        created_at: at(1_790_000_200),
        updated_at: at(1_790_000_201),
        started_at: Some(at(1_790_000_201)),
        finished_at: None,
    };
    // A UUID key is the caller's, so insert it as given.
    let inserted = job_model
        .clone()
        .into_active_model()
        .insert(db)
        .await
        .expect("insert job");
    let read = job::Entity::find_by_id(job_id)
        .one(db)
        .await
        .expect("select job");
    assert_eq!(read.as_ref(), Some(&inserted));
    assert_eq!(inserted, job_model);

    let rota_row = round_trip!(
        rota,
        rota::Model {
            id: 0,
            job_id: Some(job_id),
            unit_id: unit.id,
            horizon_start: day(30),
            days: 28,
            status: RotaStatus::Feasible,
            objective: Some(1_716.0),
            bound: Some(1_700.0),
            gap: Some(0.0093),
            seconds: 12.5,
            published: false,
            explanation: Some(json!({"by_rule": {"cover_under": 300}})),
            created_at: at(1_790_000_300),
        }
    );
    round_trip!(
        assignment,
        assignment::Model {
            id: 0,
            rota_id: rota_row.id,
            staff_id: person.id,
            date: day(30),
            shift_type_id: shift.id,
            pinned: true,
        }
    );
    round_trip!(
        report,
        report::Model {
            id: 0,
            kind: ReportKind::Drift,
            created_at: at(1_790_000_400),
            body: json!({"units": [{"unit": "Ward 7", "p_value": 0.031}]}),
            markdown: "# Drift report\n\n| unit | p |\n|---|---|\n| Ward 7 | 0.031 |\n".into(),
            job_id: None,
        }
    );
    round_trip!(
        api_token,
        api_token::Model {
            id: 0,
            token_hash: "a".repeat(64),
            role: TokenRole::Planner,
            name: Some("integration".into()),
            created_at: at(1_790_000_500),
            last_used_at: Some(at(1_790_000_600)),
        }
    );

    // Setting one column and saving updates only that row.
    let mut renamed: unit::ActiveModel = unit.clone().into_active_model();
    renamed.name = Set("Ward 8".into());
    let renamed = renamed.update(db).await.expect("update unit");
    assert_eq!(renamed.name, "Ward 8");
    assert_eq!(renamed.created_at, unit.created_at);
}

#[tokio::test]
async fn every_entity_round_trips_on_sqlite() {
    write_and_read_every_entity(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_entity_round_trips_on_postgres() {
    write_and_read_every_entity(Backend::Postgres).await;
}

async fn duplicate_unit_name_is_rejected(backend: Backend) {
    let test = TestDb::new(backend).await;
    let db = &test.db;
    ::rota::db::migrate_up(db).await.expect("migrations apply");
    let make = || unit::ActiveModel {
        name: Set("ICU".into()),
        timezone: Set("Europe/London".into()),
        created_at: Set(at(1_790_000_000)),
        ..Default::default()
    };
    make().insert(db).await.expect("first insert");
    assert!(make().insert(db).await.is_err(), "unit names are unique");
}

#[tokio::test]
async fn duplicate_unit_name_is_rejected_on_sqlite() {
    duplicate_unit_name_is_rejected(Backend::Sqlite).await;
}

#[tokio::test]
async fn duplicate_unit_name_is_rejected_on_postgres() {
    duplicate_unit_name_is_rejected(Backend::Postgres).await;
}
