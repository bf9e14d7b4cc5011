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

#[tokio::test]
async fn events_reach_the_rabbitmq_topic_exchange_with_their_routing_keys() {
    use futures::StreamExt;
    use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
    use lapin::types::FieldTable;

    let h = Harness::new(Flavor::Amqp).await;
    let amqp = h.amqp.as_ref().expect("RabbitMQ flavor");
    let channel = amqp.channel().await;
    let listener = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("listener queue");
    channel
        .queue_bind(
            listener.name().clone(),
            amqp.events_exchange().as_str().into(),
            "job.monitor.*".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .expect("bind to the events exchange");
    let mut consumer = channel
        .basic_consume(
            listener.name().clone(),
            "".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("consume events");

    let worker = h.spawn_worker(TestBody::new(), settings(1)).await;
    let id = h.enqueue(&TestJob::default()).await;
    let mut seen = Vec::new();
    while seen.last().map(|(key, _): &(String, _)| key.as_str()) != Some("job.monitor.succeeded") {
        let delivery = consumer
            .next()
            .await
            .expect("events keep coming")
            .expect("event delivery");
        let event: rota_worker::JobEvent =
            serde_json::from_slice(&delivery.data).expect("event is JSON");
        seen.push((delivery.routing_key.to_string(), event.job_id));
    }
    worker.stop().await;
    assert_eq!(
        seen,
        [
            ("job.monitor.queued".to_string(), id),
            ("job.monitor.running".to_string(), id),
            ("job.monitor.succeeded".to_string(), id),
        ]
    );
}
