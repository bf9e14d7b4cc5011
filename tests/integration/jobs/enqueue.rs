//! Enqueue with an idempotency key: the same key is the same job, never a second one.

use super::harness::{Flavor, Harness, TestBody, TestJob, settings};
use rota_entity::enums::JobStatus;
use rota_entity::job;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn same_key_returns_the_same_job(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let job = TestJob {
        effect: true,
        ..TestJob::default()
    };
    let first = h.jobs.enqueue(&job, Some("slot-1")).await.expect("enqueue");
    let again =
        futures::future::join_all((0..8).map(|_| h.jobs.enqueue(&job, Some("slot-1")))).await;
    assert!(first.created);
    for enqueued in again {
        let enqueued = enqueued.expect("enqueue with a used key succeeds");
        assert_eq!((enqueued.job.id, enqueued.created), (first.job.id, false));
    }
    let rows = job::Entity::find()
        .filter(job::Column::IdempotencyKey.eq("slot-1"))
        .count(h.db())
        .await
        .expect("count");
    assert_eq!(rows, 1);

    let worker = h.spawn_worker(TestBody::new(), settings(2)).await;
    // A second job behind it: once that one is done, every delivery of the first was seen.
    let marker = h.enqueue(&TestJob::default()).await;
    h.wait_for_status(marker, JobStatus::Succeeded).await;
    let done = h.wait_for_status(first.job.id, JobStatus::Succeeded).await;
    worker.stop().await;
    assert_eq!((done.attempts, h.effects(first.job.id).await), (1, 1));
}

async fn concurrent_enqueues_with_one_key_make_one_job(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let job = TestJob::default();
    let results =
        futures::future::join_all((0..16).map(|_| h.jobs.enqueue(&job, Some("race")))).await;
    let ids: std::collections::HashSet<_> = results
        .into_iter()
        .map(|r| r.expect("enqueue succeeds").job.id)
        .collect();
    assert_eq!(ids.len(), 1);
}

#[tokio::test]
async fn embedded_same_key_returns_the_same_job() {
    same_key_returns_the_same_job(Flavor::Embedded).await;
}

#[tokio::test]
async fn redis_same_key_returns_the_same_job() {
    same_key_returns_the_same_job(Flavor::Redis).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_concurrent_enqueues_with_one_key_make_one_job() {
    concurrent_enqueues_with_one_key_make_one_job(Flavor::Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_concurrent_enqueues_with_one_key_make_one_job() {
    concurrent_enqueues_with_one_key_make_one_job(Flavor::Redis).await;
}

#[tokio::test]
async fn amqp_same_key_returns_the_same_job() {
    same_key_returns_the_same_job(Flavor::Amqp).await;
}
