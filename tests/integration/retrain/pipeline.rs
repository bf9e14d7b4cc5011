//! Skipping, validation, promotion, rejection, retention, idempotency and the report.

use super::*;
use rota_entity::{ModelStatus, ReportKind, forecast, report};
use rota_worker::retrain::decide::Decision;
use sea_orm::PaginatorTrait;

async fn a_unit_with_20_days_is_skipped_with_its_reason_and_the_others_train(backend: Backend) {
    let db = seeded(backend, 2, 120).await;
    let icu = unit_id(&db, "ICU").await;
    keep_last_days(&db, icu, 20).await;
    let report = retrain(&db, &prophet()).await;
    let skipped = line(&report, "ICU");
    assert_eq!(skipped.decision, Decision::Skipped);
    assert_eq!(skipped.history_days, 20);
    assert!(
        skipped.reason.contains("20 day(s) of history, at least 30"),
        "{}",
        skipped.reason
    );
    assert!(versions_of(&db, icu).await.is_empty());
    let trained = line(&report, "Emergency");
    assert_eq!(trained.decision, Decision::Promoted, "{}", trained.reason);
    assert!(trained.fit_ms > 0.0 && trained.mape_after.is_some());
    assert_eq!(report.skipped, 1);
    assert_eq!(report.promoted, 1);
}

#[tokio::test]
async fn a_unit_with_20_days_is_skipped_with_its_reason_on_sqlite() {
    a_unit_with_20_days_is_skipped_with_its_reason_and_the_others_train(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_unit_with_20_days_is_skipped_with_its_reason_on_postgres() {
    a_unit_with_20_days_is_skipped_with_its_reason_and_the_others_train(Backend::Postgres).await;
}

#[tokio::test]
async fn a_model_predicting_non_finite_values_fails_validation_and_is_not_promoted() {
    let db = seeded(Backend::Sqlite, 2, 120).await;
    let run = run_with(Arc::new(Breaking {
        unit: "Emergency".into(),
    }));
    let report = retrain(&db, &run).await;
    let broken = line(&report, "Emergency");
    assert_eq!(broken.decision, Decision::Failed);
    assert!(
        broken.reason.starts_with("validation failed: "),
        "{}",
        broken.reason
    );
    assert_eq!(report.failed_units(), ["Emergency"]);
    let emergency = versions_of(&db, unit_id(&db, "Emergency").await).await;
    assert_eq!(emergency.len(), 1, "stored for the record");
    assert_eq!(emergency[0].status, ModelStatus::Rejected);
    // The other unit was still trained, validated and saved.
    let icu = versions_of(&db, unit_id(&db, "ICU").await).await;
    assert_eq!(icu.len(), 1);
    assert_eq!(icu[0].status, ModelStatus::Active);
}

#[tokio::test]
async fn a_model_worse_than_the_active_one_is_rejected_and_the_active_one_kept() {
    let db = seeded(Backend::Sqlite, 1, 120).await;
    let first = retrain(&db, &prophet()).await;
    assert_eq!(line(&first, "Emergency").decision, Decision::Promoted);
    let emergency = unit_id(&db, "Emergency").await;
    let v1 = versions_of(&db, emergency).await.remove(0);
    // The active model claims a far better holdout MAPE than any retrain can reach.
    set_holdout_mape(&db, v1.id, 0.01).await;
    let second = retrain(&db, &prophet()).await;
    let rejected = line(&second, "Emergency");
    assert_eq!(rejected.decision, Decision::Rejected);
    assert_eq!(rejected.mape_before, Some(0.01));
    assert!(
        rejected.reason.contains("worse than active v1"),
        "{}",
        rejected.reason
    );
    let versions = versions_of(&db, emergency).await;
    let statuses: Vec<_> = versions.iter().map(|v| (v.version, v.status)).collect();
    assert_eq!(
        statuses,
        [(1, ModelStatus::Active), (2, ModelStatus::Rejected)]
    );
    let rejected_forecasts = forecast::Entity::find()
        .filter(forecast::Column::ModelVersionId.eq(versions[1].id))
        .count(&db.db)
        .await
        .expect("count");
    assert_eq!(
        rejected_forecasts, 0,
        "a rejected model stores no forecasts"
    );
}

#[tokio::test]
async fn a_promoted_model_archives_the_active_one_and_only_the_last_three_stay() {
    let db = seeded(Backend::Sqlite, 1, 90).await;
    for _ in 0..5 {
        let report = retrain(&db, &prophet()).await;
        assert_eq!(report.promoted, 1, "{report:#?}");
    }
    let versions = versions_of(&db, unit_id(&db, "Emergency").await).await;
    let statuses: Vec<_> = versions.iter().map(|v| (v.version, v.status)).collect();
    assert_eq!(
        statuses,
        [
            (3, ModelStatus::Archived),
            (4, ModelStatus::Archived),
            (5, ModelStatus::Active)
        ]
    );
}

#[tokio::test]
async fn the_report_lists_every_unit_and_is_stored_as_json_and_markdown() {
    let db = seeded(Backend::Sqlite, 3, 120).await;
    keep_last_days(&db, unit_id(&db, "Maternity").await, 20).await;
    let report = retrain(&db, &prophet()).await;
    let units: Vec<_> = report.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(units, ["Emergency", "ICU", "Maternity"]);
    let fit_sum: f64 = report.units.iter().map(|u| u.fit_ms).sum();
    assert_eq!(report.fit_ms_total, fit_sum);
    let stored = report::Entity::find()
        .filter(report::Column::Kind.eq(ReportKind::Retrain))
        .all(&db.db)
        .await
        .expect("reports");
    assert_eq!(stored.len(), 1);
    let body: RetrainReport = serde_json::from_value(stored[0].body.clone()).expect("report");
    assert_eq!(body.units.len(), 3);
    for unit in ["Emergency", "ICU", "Maternity"] {
        assert!(
            stored[0].markdown.contains(&format!("| {unit} |")),
            "{}",
            stored[0].markdown
        );
    }
}

#[tokio::test]
async fn a_retrain_job_that_runs_twice_stores_its_versions_and_report_once() {
    let db = seeded(Backend::Sqlite, 2, 90).await;
    let run = RetrainRun {
        job_id: Some(uuid::Uuid::new_v4()),
        ..prophet()
    };
    let first = retrain(&db, &run).await;
    let second = retrain(&db, &run).await;
    let decisions = |r: &RetrainReport| {
        r.units
            .iter()
            .map(|u| (u.unit.clone(), u.decision, u.version))
            .collect::<Vec<_>>()
    };
    assert_eq!(decisions(&first), decisions(&second));
    assert_eq!(second.job_id, run.job_id);
    assert_eq!(
        rota_entity::model_version::Entity::find()
            .count(&db.db)
            .await
            .expect("count"),
        2
    );
    assert_eq!(
        report::Entity::find().count(&db.db).await.expect("count"),
        1
    );
}

#[tokio::test]
async fn reports_older_than_the_retention_are_pruned() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = seeded(Backend::Sqlite, 1, 60).await;
    let old = report::ActiveModel {
        kind: Set(ReportKind::Retrain),
        created_at: Set(chrono::Utc::now() - chrono::Duration::days(91)),
        body: Set(serde_json::json!({})),
        markdown: Set(String::new()),
        ..Default::default()
    }
    .insert(&db.db)
    .await
    .expect("old report");
    let report = retrain(&db, &prophet()).await;
    assert_eq!(report.pruned_reports, 1);
    assert!(
        report::Entity::find_by_id(old.id)
            .one(&db.db)
            .await
            .expect("query")
            .is_none()
    );
}
