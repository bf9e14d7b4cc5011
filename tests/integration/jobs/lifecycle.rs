//! Retries with backoff, dead-lettering, timeouts, cancellation and progress.

use super::harness::{Flavor, Harness, TestBody, TestJob, settings, test_policy};
use rota_entity::enums::JobStatus;
use rota_worker::{JobBody, JobContext, JobPolicy, Registry};
use std::time::Duration;

async fn a_job_failing_twice_succeeds_on_its_third_try(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let worker = h.spawn_worker(TestBody::new(), settings(2)).await;
    let id = h
        .enqueue(&TestJob {
            fail_times: 2,
            effect: true,
            ..TestJob::default()
        })
        .await;
    let job = h.wait_for_status(id, JobStatus::Succeeded).await;
    worker.stop().await;
    assert_eq!((job.attempts, h.effects(id).await), (3, 1));
}

async fn a_job_failing_every_try_is_dead_with_its_error(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let worker = h.spawn_worker(TestBody::new(), settings(2)).await;
    let id = h
        .enqueue(&TestJob {
            fail_times: 100,
            ..TestJob::default()
        })
        .await;
    let job = h.wait_for_status(id, JobStatus::Dead).await;
    // Dead is final: a marker job queued after it runs, and the dead job is left alone.
    let marker = h.enqueue(&TestJob::default()).await;
    h.wait_for_status(marker, JobStatus::Succeeded).await;
    let after = h.job(id).await;
    worker.stop().await;
    assert_eq!(
        (
            job.attempts,
            job.error.as_deref(),
            after.status,
            after.attempts
        ),
        (3, Some("planned failure 3"), JobStatus::Dead, 3)
    );
    if let Some(redis) = &h.redis {
        let dead = redis.list(&format!("{}:dead", redis.prefix)).await;
        assert_eq!(dead, vec![id.to_string()]);
    }
    if let Some(amqp) = &h.amqp {
        let dead = format!("{}.dead", amqp.namespace);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        while amqp.depth(&dead).await == 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the dead job never reached {dead}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn a_job_panicking_once_succeeds_on_its_second_try(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let worker = h.spawn_worker(TestBody::new(), settings(2)).await;
    let id = h
        .enqueue(&TestJob {
            panic_times: 1,
            effect: true,
            ..TestJob::default()
        })
        .await;
    let job = h.wait_for_status(id, JobStatus::Succeeded).await;
    worker.stop().await;
    assert_eq!((job.attempts, h.effects(id).await), (2, 1));
}

async fn a_job_panicking_every_try_is_dead_with_the_panic_message(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let worker = h.spawn_worker(TestBody::new(), settings(2)).await;
    let id = h
        .enqueue(&TestJob {
            panic_times: 100,
            ..TestJob::default()
        })
        .await;
    let job = h.wait_for_status(id, JobStatus::Dead).await;
    // The worker lives on: a job queued after the panics runs.
    let marker = h.enqueue(&TestJob::default()).await;
    h.wait_for_status(marker, JobStatus::Succeeded).await;
    worker.stop().await;
    assert_eq!(
        (job.attempts, job.error.as_deref()),
        (3, Some("the job body panicked: planned panic 3"))
    );
}

async fn a_try_past_its_timeout_fails_and_the_last_one_is_dead(flavor: Flavor) {
    let policy = JobPolicy {
        max_attempts: 2,
        timeout: Duration::from_millis(100),
        ..test_policy()
    };
    let h = Harness::with_policy(flavor, policy).await;
    let worker = h.spawn_worker(TestBody::new(), settings(1)).await;
    let id = h
        .enqueue(&TestJob {
            sleep_ms: 60_000,
            ..TestJob::default()
        })
        .await;
    let job = h.wait_for_status(id, JobStatus::Dead).await;
    worker.stop().await;
    assert_eq!(
        (job.attempts, job.error.as_deref()),
        (2, Some("timed out after 0.1 s"))
    );
}

async fn progress_is_written_while_the_job_runs(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let body = TestBody::new();
    let gate = body.gate.clone();
    let worker = h.spawn_worker(body, settings(1)).await;
    let id = h
        .enqueue(&TestJob {
            wait_for_gate: true,
            ..TestJob::default()
        })
        .await;
    let midway = h
        .wait_for(id, "halfway", |job| job.progress_message.is_some())
        .await;
    gate.add_permits(1);
    let done = h.wait_for_status(id, JobStatus::Succeeded).await;
    worker.stop().await;
    assert_eq!(
        (
            midway.status,
            midway.progress,
            midway.progress_message.as_deref(),
            done.progress
        ),
        (JobStatus::Running, 0.5, Some("halfway"), 1.0)
    );
}

async fn a_cancelled_running_job_stops_and_keeps_its_result(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let worker = h.spawn_worker(TestBody::new(), settings(1)).await;
    let id = h
        .enqueue(&TestJob {
            wait_for_gate: true,
            ..TestJob::default()
        })
        .await;
    h.wait_for(id, "halfway", |job| job.progress_message.is_some())
        .await;
    h.jobs.cancel(id).await.expect("cancel");
    let job = h.wait_for_status(id, JobStatus::Cancelled).await;
    worker.stop().await;
    assert_eq!(
        job.result,
        Some(serde_json::json!({ "stopped_early": true }))
    );
}

async fn a_cancelled_queued_job_never_runs(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let id = h
        .enqueue(&TestJob {
            effect: true,
            ..TestJob::default()
        })
        .await;
    let cancelled = h.jobs.cancel(id).await.expect("cancel").expect("job");
    let worker = h.spawn_worker(TestBody::new(), settings(1)).await;
    let marker = h.enqueue(&TestJob::default()).await;
    h.wait_for_status(marker, JobStatus::Succeeded).await;
    let job = h.job(id).await;
    worker.stop().await;
    assert_eq!(
        (
            cancelled.status,
            job.status,
            job.attempts,
            h.effects(id).await
        ),
        (JobStatus::Cancelled, JobStatus::Cancelled, 0, 0)
    );
}

macro_rules! on_every_transport {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Flavor::Embedded).await;
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Flavor::Redis).await;
                }
            )*
        }
        mod amqp {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Flavor::Amqp).await;
                }
            )*
        }
    };
}

on_every_transport!(
    a_job_failing_twice_succeeds_on_its_third_try,
    a_job_failing_every_try_is_dead_with_its_error,
    a_job_panicking_once_succeeds_on_its_second_try,
    a_job_panicking_every_try_is_dead_with_the_panic_message,
    a_try_past_its_timeout_fails_and_the_last_one_is_dead,
    progress_is_written_while_the_job_runs,
    a_cancelled_running_job_stops_and_keeps_its_result,
    a_cancelled_queued_job_never_runs,
);

/// A body of any kind that succeeds at once.
struct Instant<P>(std::marker::PhantomData<fn() -> P>);

impl<P: rota_worker::JobPayload> JobBody for Instant<P> {
    type Payload = P;

    async fn run(&self, _: JobContext, _: P) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::json!({}))
    }
}

fn instant<P>() -> Instant<P> {
    Instant(std::marker::PhantomData)
}

#[tokio::test]
async fn idle_queues_do_not_starve_a_job_on_another_queue() {
    let h = Harness::new(Flavor::Embedded).await;
    // Four queues, two slots: the idle solve, forecast and retrain queues must not hold them.
    let registry = Registry::new()
        .register(instant::<rota_worker::SolvePayload>())
        .register(instant::<rota_worker::ForecastPayload>())
        .register(instant::<rota_worker::RetrainPayload>())
        .register(instant::<rota_worker::MonitorPayload>());
    let worker = h
        .spawn_registry(
            registry,
            rota_worker::WorkerSettings {
                queues: ["solve", "forecast", "retrain", "monitor"]
                    .map(String::from)
                    .to_vec(),
                ..settings(2)
            },
        )
        .await;
    let id = h
        .jobs
        .enqueue(&rota_worker::MonitorPayload { unit_id: None }, None)
        .await
        .expect("enqueue")
        .job
        .id;
    h.wait_for_status(id, JobStatus::Succeeded).await;
    worker.stop().await;
}
