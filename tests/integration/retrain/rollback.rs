//! Rollback: activating an earlier version serves exactly the forecasts it made.

use super::*;
use rota_entity::{ModelStatus, forecast};
use rota_worker::retrain::decide::Decision;
use rota_worker::retrain::versions;

/// The forecasts the unit's active model serves: (date, shift, yhat, lower, upper).
async fn served(db: &TestDb, unit_id: i32) -> Vec<(NaiveDate, i32, f64, f64, f64)> {
    let active = versions::active(&db.db, unit_id)
        .await
        .expect("query")
        .expect("an active model");
    forecast::Entity::find()
        .filter(forecast::Column::ModelVersionId.eq(active.id))
        .order_by_asc(forecast::Column::Date)
        .order_by_asc(forecast::Column::ShiftTypeId)
        .all(&db.db)
        .await
        .expect("forecasts")
        .into_iter()
        .map(|f| (f.date, f.shift_type_id, f.yhat, f.lower, f.upper))
        .collect()
}

#[tokio::test]
async fn activating_the_previous_version_restores_identical_forecasts() {
    let db = seeded(Backend::Sqlite, 1, 120).await;
    let emergency = unit_id(&db, "Emergency").await;
    retrain(&db, &prophet()).await;
    let before = served(&db, emergency).await;
    assert_eq!(before.len(), 28 * 3, "28 days × 3 shifts");

    // Demand doubles over the last two months: the next model forecasts differently.
    db.db
        .execute_unprepared(&format!(
            "UPDATE demand_history SET required = required * 2 WHERE date > '{}'",
            end() - chrono::Duration::days(60)
        ))
        .await
        .expect("update");
    let v1 = versions_of(&db, emergency).await.remove(0);
    set_holdout_mape(&db, v1.id, 1000.0).await;
    let second = retrain(&db, &prophet()).await;
    assert_eq!(line(&second, "Emergency").decision, Decision::Promoted);
    let after = served(&db, emergency).await;
    assert_ne!(after, before, "the new model serves its own forecasts");

    let activated = versions::activate(&db.db, emergency, 1)
        .await
        .expect("activate v1");
    assert_eq!(activated.status, ModelStatus::Active);
    assert_eq!(served(&db, emergency).await, before);
    let statuses: Vec<_> = versions_of(&db, emergency)
        .await
        .iter()
        .map(|v| v.status)
        .collect();
    assert_eq!(statuses, [ModelStatus::Active, ModelStatus::Archived]);
}

#[tokio::test]
async fn a_rejected_version_cannot_be_activated() {
    let db = seeded(Backend::Sqlite, 1, 90).await;
    let emergency = unit_id(&db, "Emergency").await;
    retrain(&db, &prophet()).await;
    set_holdout_mape(&db, versions_of(&db, emergency).await[0].id, 0.01).await;
    retrain(&db, &prophet()).await;
    let refused = versions::activate(&db.db, emergency, 2).await;
    assert!(
        matches!(
            refused,
            Err(versions::ActivateError::Rejected { version: 2, .. })
        ),
        "{refused:?}"
    );
}
