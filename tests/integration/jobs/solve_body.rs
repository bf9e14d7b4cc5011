//! The solve job body end to end: demo data in, a stored rota with assignments out.

use super::harness::{Flavor, Harness};
use chrono::NaiveDate;
use rota::seed::{SeedOptions, seed};
use rota_entity::{JobStatus, assignment, rota as rota_e};
use rota_worker::{CoverSource, SolvePayload, WorkerSettings};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn a_solve_job_stores_one_rota_with_assignments_for_its_unit() {
    let harness = Harness::new(Flavor::Embedded).await;
    let end = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    seed(
        harness.db(),
        &SeedOptions {
            units: 1,
            staff_per_unit: 14,
            days: 120,
            seed: 42,
            end,
        },
    )
    .await
    .expect("seed");
    let payload = SolvePayload {
        unit_id: 1,
        horizon_start: NaiveDate::from_ymd_opt(2026, 11, 30).expect("a Monday"),
        days: 14,
        time_limit_secs: 20,
        cover: CoverSource::History,
        pins: Vec::new(),
    };
    let id = harness
        .jobs
        .enqueue(&payload, None)
        .await
        .expect("enqueue")
        .job
        .id;
    let worker = harness
        .spawn_registry(
            ::rota::jobs::registry(&::rota::settings::Settings::default()),
            WorkerSettings {
                queues: vec!["solve".into()],
                concurrency: 1,
                shutdown_timeout_secs: 30,
                ..WorkerSettings::default()
            },
        )
        .await;
    let job = harness
        .wait_for(id, "finished", |job| {
            job.status.is_terminal() || job.status == JobStatus::Failed
        })
        .await;
    worker.stop().await;
    assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error);
    assert_eq!(job.progress, 1.0);
    let result = job.result.expect("a result");
    let rota_id = result["rota_id"].as_i64().expect("rota id") as i32;

    let stored = rota_e::Entity::find_by_id(rota_id)
        .one(harness.db())
        .await
        .expect("query")
        .expect("rota row");
    assert_eq!(stored.job_id, Some(id));
    assert_eq!(stored.days, 14);
    assert!(stored.objective.is_some(), "{stored:?}");
    assert!(stored.explanation.is_some());
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::RotaId.eq(rota_id))
        .count(harness.db())
        .await
        .expect("count");
    assert!(assigned > 0, "the rota assigns shifts");
    let rotas = rota_e::Entity::find()
        .count(harness.db())
        .await
        .expect("count");
    assert_eq!(rotas, 1, "one job, one rota");
}
