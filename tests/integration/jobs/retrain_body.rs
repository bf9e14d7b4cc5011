//! The retrain job body end to end: its completion event clears the forecast cache of the units it promoted, and the
//! API's follower caches their new forecasts at once.

use super::harness::{Flavor, Harness, settings};
use crate::retrain::end;
use rota::seed::{SeedOptions, seed};
use rota_entity::JobStatus;
use rota_worker::cache::{Cache, keys, local_events};
use rota_worker::retrain::ProphetTrainer;
use rota_worker::retrain::settings::NotifySettings;
use rota_worker::retrain::settings::RetrainSettings;
use rota_worker::{Registry, RetrainBody, RetrainPayload, WorkerSettings};
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const HOUR: Duration = Duration::from_secs(3600);

/// Seeds two units (ICU with 20 days only), caches stale forecasts of both, runs a retrain
/// job with a follower, and returns the cache and the job's result.
async fn retrain_job_with_follower(warm: bool) -> (Cache, serde_json::Value, i32, i32) {
    let h = Harness::new(Flavor::Embedded).await;
    seed(
        h.db(),
        &SeedOptions {
            units: 2,
            staff_per_unit: 2,
            days: 120,
            seed: 42,
            end: end(),
        },
    )
    .await
    .expect("seed");
    h.db()
        .execute_unprepared(&format!(
            "DELETE FROM demand_history WHERE unit_id = 2 AND date <= '{}'",
            end() - chrono::Duration::days(20)
        ))
        .await
        .expect("trim ICU");
    let cache = Cache::memory();
    for unit in [1, 2] {
        cache
            .set(&keys::forecasts(unit), "stale", HOUR)
            .await
            .expect("cache set");
    }
    let stop = CancellationToken::new();
    let follower = tokio::spawn({
        let (cache, events, stop) = (cache.clone(), h.jobs.subscribe(), stop.clone());
        let state = rota_api::AppState::new(h.db().clone()).with_cache(cache.clone());
        async move {
            if warm {
                rota_api::cache_sync::follow(state, local_events(events), stop).await;
            } else {
                cache.follow(local_events(events), stop).await;
            }
        }
    });
    let registry = Registry::new().register(RetrainBody {
        settings: RetrainSettings {
            days: 120,
            ..RetrainSettings::default()
        },
        notify: NotifySettings::default(),
        trainer: Arc::new(ProphetTrainer),
    });
    let worker = h
        .spawn_registry(
            registry,
            WorkerSettings {
                queues: vec!["retrain".into()],
                ..settings(1)
            },
        )
        .await;
    let id = h
        .jobs
        .enqueue(&RetrainPayload { unit_id: None }, None)
        .await
        .expect("enqueue")
        .job
        .id;
    let job = h
        .wait_for(id, "finished", |j| {
            j.status.is_terminal() || j.status == JobStatus::Failed
        })
        .await;
    assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error);
    assert_eq!(job.progress, 1.0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while cache
        .get(&keys::forecasts(1))
        .await
        .expect("get")
        .as_deref()
        == Some("stale")
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "key never invalidated"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.stop().await;
    stop.cancel();
    follower.await.expect("follower stops");
    (cache, job.result.expect("a result"), 1, 2)
}

#[tokio::test]
async fn the_forecast_cache_key_of_a_promoted_unit_is_gone_after_the_retrain_event() {
    let (cache, result, promoted, skipped) = retrain_job_with_follower(false).await;
    assert_eq!(result["units"], serde_json::json!([promoted]));
    assert_eq!(
        cache.get(&keys::forecasts(promoted)).await.expect("get"),
        None
    );
    assert_eq!(
        cache
            .get(&keys::forecasts(skipped))
            .await
            .expect("get")
            .as_deref(),
        Some("stale"),
        "a unit that was not retrained keeps its cache"
    );
}

#[tokio::test]
async fn the_warming_follower_caches_the_promoted_models_new_forecasts() {
    let (cache, _, promoted, _) = retrain_job_with_follower(true).await;
    let cached = cache
        .get(&keys::forecasts(promoted))
        .await
        .expect("get")
        .expect("warmed again");
    let cached: serde_json::Value = serde_json::from_str(&cached).expect("JSON");
    assert_eq!(cached["model_version"], 1);
    assert_eq!(cached["items"].as_array().map(Vec::len), Some(28 * 3));
}
