//! `rota train-all`, `rota monitor` and `rota models` as a person runs them.

use super::*;
use crate::support::rota_bin::{run as rota, stderr, stdout};
use rota_entity::ModelStatus;
use sea_orm::{ActiveValue::Set, EntityTrait as _};

fn train_all(db: &TestDb, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["train-all", "--db", &db.url, "--days", "120", "--jobs", "2"];
    args.extend_from_slice(extra);
    rota(&args)
}

#[tokio::test]
async fn train_all_json_reports_every_unit_with_its_decision_and_timings() {
    let db = seeded(Backend::Sqlite, 2, 120).await;
    let out = train_all(&db, &["--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON object");
    assert!(report["wall_ms"].as_f64().is_some_and(|ms| ms > 0.0));
    assert!(report["fit_ms_total"].as_f64().is_some_and(|ms| ms > 0.0));
    let units = report["units"].as_array().expect("units");
    assert_eq!(units.len(), 2);
    for unit in units {
        for key in [
            "unit",
            "decision",
            "fit_ms",
            "mape_before",
            "mape_after",
            "baseline_mape",
            "reason",
        ] {
            assert!(unit.get(key).is_some(), "{key} missing in {unit}");
        }
        assert_eq!(unit["decision"], "promoted");
    }
}

#[tokio::test]
async fn train_all_prints_a_table_and_trains_only_the_unit_named() {
    let db = seeded(Backend::Sqlite, 2, 120).await;
    let out = train_all(&db, &["--unit", "ICU", "--no-email"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("| ICU |"), "{text}");
    assert!(!text.contains("| Emergency |"), "{text}");
    assert!(
        text.contains("1 promoted, 0 rejected, 0 failed, 0 skipped"),
        "{text}"
    );
}

#[tokio::test]
async fn train_all_of_an_unknown_unit_exits_1_with_one_line() {
    let db = seeded(Backend::Sqlite, 1, 60).await;
    let out = train_all(&db, &["--unit", "Nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unit 'Nowhere' does not exist"), "{err}");
}

#[tokio::test]
async fn monitor_exits_0_without_drift_and_3_when_demand_runs_away_from_the_forecast() {
    let db = seeded(Backend::Sqlite, 1, 120).await;
    assert!(train_all(&db, &[]).status.success());
    let calm = rota(&["monitor", "--db", &db.url, "--no-email"]);
    assert_eq!(calm.status.code(), Some(0), "{}", stderr(&calm));
    assert!(
        stdout(&calm).contains("0 of 1 unit(s) drifted"),
        "{}",
        stdout(&calm)
    );

    // Four weeks of actual demand at three times what the model forecast.
    let emergency = unit_id(&db, "Emergency").await;
    let active = rota_worker::retrain::versions::active(&db.db, emergency)
        .await
        .expect("query")
        .expect("active");
    let forecasts = rota_entity::forecast::Entity::find()
        .filter(rota_entity::forecast::Column::ModelVersionId.eq(active.id))
        .all(&db.db)
        .await
        .expect("forecasts");
    let rows: Vec<demand_history::ActiveModel> = forecasts
        .iter()
        .map(|f| demand_history::ActiveModel {
            unit_id: Set(emergency),
            date: Set(f.date),
            shift_type_id: Set(f.shift_type_id),
            required: Set((f.yhat * 3.0).round() as i32),
            ..Default::default()
        })
        .collect();
    demand_history::Entity::insert_many(rows)
        .exec_without_returning(&db.db)
        .await
        .expect("actuals");
    let file = std::env::temp_dir().join(format!("drift-{}.txt", uuid::Uuid::new_v4()));
    let path = file.display().to_string();
    let drifted = rota(&[
        "monitor",
        "--db",
        &db.url,
        "--unit",
        "Emergency",
        "--out",
        &path,
    ]);
    assert_eq!(drifted.status.code(), Some(3), "{}", stderr(&drifted));
    let written = std::fs::read_to_string(&file).expect("report file");
    let _ = std::fs::remove_file(&file);
    assert!(written.contains("| Emergency | v1 | 28 |"), "{written}");
    assert!(written.contains("DRIFT"), "{written}");
}

#[tokio::test]
async fn models_activate_rolls_back_and_models_list_shows_it() {
    let db = seeded(Backend::Sqlite, 1, 90).await;
    assert!(train_all(&db, &[]).status.success());
    assert!(train_all(&db, &[]).status.success());
    let out = rota(&[
        "models",
        "activate",
        "--db",
        &db.url,
        "--unit",
        "Emergency",
        "--version",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Emergency: version 1 is active"));
    let listed = stdout(&rota(&[
        "models",
        "list",
        "--db",
        &db.url,
        "--unit",
        "Emergency",
    ]));
    let lines: Vec<&str> = listed.lines().skip(1).collect();
    assert!(
        lines[0].starts_with("2 ") && lines[0].contains("archived"),
        "{listed}"
    );
    assert!(
        lines[1].starts_with("1 ") && lines[1].contains("active"),
        "{listed}"
    );
    let statuses: Vec<_> = versions_of(&db, unit_id(&db, "Emergency").await)
        .await
        .iter()
        .map(|v| v.status)
        .collect();
    assert_eq!(statuses, [ModelStatus::Active, ModelStatus::Archived]);
}

#[tokio::test]
async fn activating_a_version_that_does_not_exist_exits_1() {
    let db = seeded(Backend::Sqlite, 1, 60).await;
    let out = rota(&[
        "models",
        "activate",
        "--db",
        &db.url,
        "--unit",
        "Emergency",
        "--version",
        "9",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("model version 9 of unit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rota_config_hides_the_webhook_path_and_the_smtp_password() {
    let out = crate::support::rota_bin::rota()
        .args(["config"])
        .env(
            "ROTA_NOTIFY__WEBHOOK_URL",
            "https://hooks.example.com/T0/B0/s3cretpath",
        )
        .env(
            "ROTA_NOTIFY__SMTP_URL",
            "smtp://rota:s3cretpw@mail.example.com:587",
        )
        .env("ROTA_NOTIFY__EMAIL_FROM", "rota@example.com")
        .env("ROTA_NOTIFY__EMAIL_TO", "[team@example.com]")
        .output()
        .expect("rota runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("s3cret"), "{text}");
    let config: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        config["notify"]["webhook_url"],
        "https://hooks.example.com/***"
    );
    assert_eq!(
        config["notify"]["smtp_url"],
        "smtp://rota:***@mail.example.com:587"
    );
    assert_eq!(config["retrain"]["tolerance_pct"], 5.0);
}
