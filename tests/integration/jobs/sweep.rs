//! A job whose row was written but whose push never happened (the enqueuing process died in
//! between) is pushed by a worker's sweeper and runs once.

use super::harness::{Flavor, Harness, TestBody, TestJob, settings};
use chrono::Utc;
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::ActiveModel;
use rota_worker::WorkerSettings;
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

/// The row `enqueue` writes, as it is left when the push is lost: queued an hour ago.
async fn insert_unpushed(h: &Harness) -> Uuid {
    let queued_at = Utc::now() - chrono::Duration::hours(1);
    let job = ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(JobKind::Monitor),
        status: Set(JobStatus::Queued),
        progress: Set(0.0),
        progress_message: Set(None),
        attempts: Set(0),
        max_attempts: Set(3),
        idempotency_key: Set(None),
        unit_id: Set(None),
        payload: Set(serde_json::to_value(TestJob {
            effect: true,
            ..TestJob::default()
        })
        .expect("payload serializes")),
        result: Set(None),
        error: Set(None),
        worker_id: Set(None),
        cancel_requested: Set(false),
        created_at: Set(queued_at),
        updated_at: Set(queued_at),
        started_at: Set(None),
        finished_at: Set(None),
    }
    .insert(h.db())
    .await
    .expect("job row inserts");
    job.id
}

async fn a_queued_job_whose_push_was_lost_is_pushed_by_the_sweeper_and_runs_once(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let lost = insert_unpushed(&h).await;
    let sweeping = WorkerSettings {
        sweep_after_secs: 1,
        ..settings(1)
    };
    let worker = h.spawn_worker(TestBody::new(), sweeping).await;
    let job = h.wait_for_status(lost, JobStatus::Succeeded).await;
    // A job waiting behind a slow one longer than `sweep_after` is pushed a second time; it
    // still runs once.
    let slow = h
        .enqueue(&TestJob {
            sleep_ms: 2_500,
            ..TestJob::default()
        })
        .await;
    let waiting = h
        .enqueue(&TestJob {
            effect: true,
            ..TestJob::default()
        })
        .await;
    h.wait_for_status(slow, JobStatus::Succeeded).await;
    let waited = h.wait_for_status(waiting, JobStatus::Succeeded).await;
    worker.stop().await;
    assert_eq!(
        (
            job.attempts,
            h.effects(lost).await,
            waited.attempts,
            h.effects(waiting).await
        ),
        (1, 1, 1, 1)
    );
}

#[tokio::test]
async fn redis_a_queued_job_whose_push_was_lost_is_pushed_by_the_sweeper_and_runs_once() {
    a_queued_job_whose_push_was_lost_is_pushed_by_the_sweeper_and_runs_once(Flavor::Redis).await;
}

#[tokio::test]
async fn amqp_a_queued_job_whose_push_was_lost_is_pushed_by_the_sweeper_and_runs_once() {
    a_queued_job_whose_push_was_lost_is_pushed_by_the_sweeper_and_runs_once(Flavor::Amqp).await;
}
