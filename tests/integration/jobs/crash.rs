//! Worker processes on Redis: a SIGKILLed worker's job completes elsewhere, once; three
//! workers share a queue and run every job exactly once.

use super::child;
use super::harness::{Flavor, Harness, TestJob};
use fred::prelude::*;
use rota_entity::enums::JobStatus;
use rota_entity::job;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashSet;
use std::time::Duration;

async fn enqueue_many(h: &Harness, n: usize, sleep_ms: u64) -> Vec<uuid::Uuid> {
    let mut ids = Vec::new();
    for _ in 0..n {
        ids.push(
            h.enqueue(&TestJob {
                sleep_ms,
                effect: true,
                ..TestJob::default()
            })
            .await,
        );
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_killed_workers_job_completes_on_another_worker_with_one_effect() {
    a_killed_workers_job_completes_on_another_worker_with_one_effect(Flavor::Redis).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amqp_a_killed_workers_job_completes_on_another_worker_with_one_effect() {
    a_killed_workers_job_completes_on_another_worker_with_one_effect(Flavor::Amqp).await;
}

/// Waits until `n` worker processes have registered their leases.
async fn wait_for_workers(h: &Harness, n: usize) {
    let redis = h.redis.as_ref().expect("Redis flavor");
    let key = format!("{}:workers", redis.prefix);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let members: Vec<String> = redis.client.smembers(&key).await.expect("SMEMBERS");
        if members.len() >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{n} workers never registered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_killed_workers_job_completes_on_another_worker_with_one_effect(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let mut doomed = child::spawn(&h, 2, 30);
    let ids = enqueue_many(&h, 6, 400).await;
    let victim = loop {
        let running = job::Entity::find()
            .filter(job::Column::Status.eq(JobStatus::Running))
            .all(h.db())
            .await
            .expect("jobs query");
        if let Some(job) = running
            .into_iter()
            .find(|j| doomed.runs(j.worker_id.as_deref()))
        {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    doomed.kill();
    let _survivor = child::spawn(&h, 2, 30);

    let mut finished = Vec::new();
    for id in &ids {
        let job = h.wait_for_status(*id, JobStatus::Succeeded).await;
        finished.push((job.id, h.effects(job.id).await));
    }
    let victim_after = h.job(victim.id).await;
    assert!(
        finished.iter().all(|(_, effects)| *effects == 1),
        "{finished:?}"
    );
    assert!(
        !doomed.runs(victim_after.worker_id.as_deref()),
        "the killed worker's job was finished by another: {victim_after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_run_every_job_exactly_once() {
    let h = Harness::new(Flavor::Redis).await;
    let workers = [
        child::spawn(&h, 2, 30),
        child::spawn(&h, 2, 30),
        child::spawn(&h, 2, 30),
    ];
    wait_for_workers(&h, 3).await;
    let ids = enqueue_many(&h, 60, 10).await;
    let mut runners = HashSet::new();
    for id in &ids {
        let job = h.wait_for_status(*id, JobStatus::Succeeded).await;
        assert_eq!((job.attempts, h.effects(*id).await), (1, 1), "{job:?}");
        runners.insert(job.worker_id.unwrap_or_default());
    }
    assert!(
        workers
            .iter()
            .all(|w| runners.iter().any(|r| w.runs(Some(r)))),
        "every worker took jobs: {runners:?}"
    );
}
