//! The scheduler enqueues each slot once, however many schedulers run.

use super::harness::{Flavor, Harness};
use chrono::{TimeZone, Utc};
use rota_entity::enums::JobKind;
use rota_entity::job;
use rota_scheduler::{Trigger, fire, run_schedules};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn firing_one_slot_from_two_schedulers_enqueues_one_retrain() {
    let h = Harness::new(Flavor::Redis).await;
    let slot = Utc
        .with_ymd_and_hms(2026, 11, 29, 2, 0, 0)
        .single()
        .expect("valid slot");
    let (a, b) = tokio::join!(
        fire(&h.jobs, Trigger::Retrain, slot),
        fire(&h.jobs, Trigger::Retrain, slot)
    );
    a.expect("first scheduler enqueues");
    b.expect("second scheduler enqueues");
    let retrains = job::Entity::find()
        .filter(job::Column::Kind.eq(JobKind::Retrain))
        .all(h.db())
        .await
        .expect("jobs query");
    let keys: Vec<_> = retrains.iter().map(|j| j.idempotency_key.clone()).collect();
    assert_eq!(keys, [Some("retrain@2026-11-29T02:00:00Z".to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_on_a_every_second_cron_enqueue_each_tick_once() {
    let h = Harness::new(Flavor::Embedded).await;
    let every_second = || {
        vec![(
            Trigger::Monitor,
            cron::Schedule::from_str("* * * * * *").expect("cron parses"),
        )]
    };
    let stop = CancellationToken::new();
    let first = tokio::spawn(run_schedules(every_second(), h.jobs.clone(), stop.clone()));
    let second = tokio::spawn(run_schedules(every_second(), h.jobs.clone(), stop.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while monitors(&h).await < 3 {
        assert!(tokio::time::Instant::now() < deadline, "no ticks enqueued");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    first.await.expect("first scheduler stops");
    second.await.expect("second scheduler stops");
    let rows = job::Entity::find()
        .filter(job::Column::Kind.eq(JobKind::Monitor))
        .all(h.db())
        .await
        .expect("jobs query");
    let slots: HashSet<_> = rows.iter().map(|j| j.idempotency_key.clone()).collect();
    assert_eq!(
        slots.len(),
        rows.len(),
        "a slot was enqueued twice: {rows:?}"
    );
}

async fn monitors(h: &Harness) -> u64 {
    job::Entity::find()
        .filter(job::Column::Kind.eq(JobKind::Monitor))
        .count(h.db())
        .await
        .expect("count")
}
