//! Every state change of a job publishes an event with its kind, status and routing key.

use super::harness::{Flavor, Harness, TestBody, TestJob, settings};
use rota_entity::enums::JobStatus;

#[tokio::test]
async fn a_job_that_fails_once_publishes_each_state_it_passes() {
    let h = Harness::new(Flavor::Embedded).await;
    let mut events = h.jobs.subscribe();
    let worker = h.spawn_worker(TestBody::new(), settings(1)).await;
    let id = h
        .enqueue(&TestJob {
            fail_times: 1,
            ..TestJob::default()
        })
        .await;
    let mut keys = Vec::new();
    while keys.last().map(String::as_str) != Some("job.monitor.succeeded") {
        let event = events.recv().await.expect("events keep coming");
        assert_eq!(event.job_id, id);
        keys.push(event.routing_key());
    }
    worker.stop().await;
    assert_eq!(
        keys,
        [
            "job.monitor.queued",
            "job.monitor.running",
            "job.monitor.failed",
            "job.monitor.running",
            "job.monitor.succeeded"
        ]
    );
}

#[tokio::test]
async fn a_succeeded_event_carries_the_result() {
    let h = Harness::new(Flavor::Redis).await;
    let mut events = h.jobs.subscribe();
    let worker = h.spawn_worker(TestBody::new(), settings(1)).await;
    let id = h.enqueue(&TestJob::default()).await;
    let event = loop {
        let event = events.recv().await.expect("events keep coming");
        if event.status == JobStatus::Succeeded {
            break event;
        }
    };
    worker.stop().await;
    assert_eq!(
        (event.job_id, event.result),
        (id, Some(serde_json::json!({ "done": true })))
    );
}
