//! Graceful shutdown: stop taking jobs, finish in-flight ones up to the timeout, hand the
//! rest back for redelivery.

use super::child;
use super::harness::{Flavor, Harness, TestBody, TestJob, settings};
use rota_entity::enums::JobStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_running_job_and_leaves_the_queued_one() {
    let h = Harness::new(Flavor::Redis).await;
    let mut worker = child::spawn(&h, 1, 30);
    let running = h
        .enqueue(&TestJob {
            sleep_ms: 1_000,
            effect: true,
            ..TestJob::default()
        })
        .await;
    h.wait_for_status(running, JobStatus::Running).await;
    let waiting = h.enqueue(&TestJob::default()).await;
    worker.terminate();
    let exit = worker.wait();

    let (finished, left) = (h.job(running).await, h.job(waiting).await);
    let redis = h.redis.as_ref().expect("Redis flavor");
    let ready = redis.list(&format!("{}:ready:monitor", redis.prefix)).await;
    assert!(exit.success(), "worker exits cleanly: {exit:?}");
    assert_eq!(
        (finished.status, h.effects(running).await),
        (JobStatus::Succeeded, 1)
    );
    assert_eq!((left.status, left.attempts), (JobStatus::Queued, 0));
    assert_eq!(ready, vec![waiting.to_string()]);

    let _next = child::spawn(&h, 1, 30);
    h.wait_for_status(waiting, JobStatus::Succeeded).await;
}

async fn a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again(flavor: Flavor) {
    let h = Harness::new(flavor).await;
    let impatient = rota_worker::WorkerSettings {
        shutdown_timeout_secs: 0,
        ..settings(1)
    };
    let first = h.spawn_worker(TestBody::new(), impatient).await;
    let id = h
        .enqueue(&TestJob {
            wait_for_gate: true,
            ..TestJob::default()
        })
        .await;
    h.wait_for(id, "halfway", |job| job.progress_message.is_some())
        .await;
    first.stop().await;
    let handed_back = h.job(id).await;

    let body = TestBody::new();
    body.gate.add_permits(1);
    let second = h.spawn_worker(body, settings(1)).await;
    let done = h.wait_for_status(id, JobStatus::Succeeded).await;
    second.stop().await;
    assert_eq!(
        (handed_back.status, handed_back.attempts, done.attempts),
        (JobStatus::Queued, 0, 1)
    );
}

#[tokio::test]
async fn embedded_a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again() {
    a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again(Flavor::Embedded).await;
}

#[tokio::test]
async fn redis_a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again() {
    a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again(Flavor::Redis).await;
}

#[tokio::test]
async fn amqp_a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again() {
    a_job_outliving_the_shutdown_timeout_is_handed_back_and_runs_again(Flavor::Amqp).await;
}
