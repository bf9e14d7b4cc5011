//! Completion events delete exactly the cache keys they make stale.

use super::harness::{Flavor, Harness, settings};
use crate::support::TestRedis;
use rota_entity::enums::JobStatus;
use rota_worker::cache::{Cache, amqp_events, keys, local_events, subscribe_amqp};
use rota_worker::{CoverSource, JobBody, JobContext, Registry, SolvePayload};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A solve body that solves nothing: the cache only cares that a solve of the unit finished.
struct InstantSolve;

impl JobBody for InstantSolve {
    type Payload = SolvePayload;

    async fn run(&self, _: JobContext, _: SolvePayload) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::json!({ "rota_id": 1 }))
    }
}

fn solve(unit_id: i32) -> SolvePayload {
    SolvePayload {
        unit_id,
        horizon_start: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("valid date"),
        days: 28,
        time_limit_secs: 10,
        cover: CoverSource::History,
        pins: vec![],
    }
}

const HOUR: Duration = Duration::from_secs(3600);

async fn seed(cache: &Cache) {
    for (key, value) in [
        (keys::latest_rota(7), "stale"),
        (keys::latest_rota(8), "other unit"),
        (keys::forecasts(7), "other kind"),
    ] {
        cache.set(&key, value, HOUR).await.expect("cache set");
    }
}

/// Runs a solve of unit 7 and waits until its rota key is gone; returns what is left.
async fn solve_unit_7_and_wait(h: &Harness, cache: &Cache) -> (Option<String>, Option<String>) {
    let worker = h
        .spawn_registry(
            Registry::new().register(InstantSolve),
            rota_worker::WorkerSettings {
                queues: vec!["solve".into()],
                ..settings(1)
            },
        )
        .await;
    let id = h
        .jobs
        .enqueue(&solve(7), None)
        .await
        .expect("enqueue")
        .job
        .id;
    h.wait_for_status(id, JobStatus::Succeeded).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while cache
        .get(&keys::latest_rota(7))
        .await
        .expect("cache get")
        .is_some()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "rota key never invalidated"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.stop().await;
    (
        cache.get(&keys::latest_rota(8)).await.expect("cache get"),
        cache.get(&keys::forecasts(7)).await.expect("cache get"),
    )
}

#[tokio::test]
async fn a_finished_solve_clears_its_units_rota_from_the_in_process_cache() {
    let h = Harness::new(Flavor::Embedded).await;
    let cache = Cache::memory();
    seed(&cache).await;
    let stop = CancellationToken::new();
    let follower = tokio::spawn({
        let (cache, events, stop) = (cache.clone(), h.jobs.subscribe(), stop.clone());
        async move { cache.follow(local_events(events), stop).await }
    });
    let left = solve_unit_7_and_wait(&h, &cache).await;
    stop.cancel();
    follower.await.expect("follower stops");
    assert_eq!(left, (Some("other unit".into()), Some("other kind".into())));
}

#[tokio::test]
async fn a_finished_solve_clears_its_units_rota_from_redis_via_rabbitmq_events() {
    let h = Harness::new(Flavor::Amqp).await;
    let redis = TestRedis::new().await;
    let cache = Cache::redis(&redis.url, &redis.prefix)
        .await
        .expect("Redis cache connects");
    seed(&cache).await;
    let amqp = h.amqp.as_ref().expect("RabbitMQ flavor");
    let channel = amqp.channel().await;
    let consumer = subscribe_amqp(&channel, &amqp.events_exchange())
        .await
        .expect("subscribed to job events");
    let stop = CancellationToken::new();
    let follower = tokio::spawn({
        let (cache, stop) = (cache.clone(), stop.clone());
        async move { cache.follow(amqp_events(consumer), stop).await }
    });
    let left = solve_unit_7_and_wait(&h, &cache).await;
    stop.cancel();
    follower.await.expect("follower stops");
    assert_eq!(left, (Some("other unit".into()), Some("other kind".into())));
}
