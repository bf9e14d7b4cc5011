//! A worker whose RabbitMQ connection is cut (the broker restarted, a network blip) connects
//! again and goes on: the job it was running finishes once, and new jobs run.

use super::harness::{Flavor, Harness, TestBody, TestJob, settings, test_policy};
use crate::support::chaos::ChaosProxy;
use rota_entity::enums::{JobKind, JobStatus};
use rota_worker::transport::Backend;
use rota_worker::transport::amqp::{AmqpConfig, AmqpQueue};
use rota_worker::{Jobs, Policies, Registry, Transport, Worker, WorkerId};
use std::net::ToSocketAddrs;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// `url` with its host and port replaced by `proxy`'s.
fn through(url: &str, proxy: std::net::SocketAddr) -> String {
    let mut url = url::Url::parse(url).expect("AMQP URL parses");
    url.set_host(Some(&proxy.ip().to_string()))
        .expect("host replaces");
    url.set_port(Some(proxy.port())).expect("port replaces");
    url.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_rabbitmq_connection_is_cut_reconnects_and_runs_every_job_once() {
    let h = Harness::new(Flavor::Amqp).await;
    let amqp = h.amqp.as_ref().expect("AMQP flavor");
    let broker = url::Url::parse(&amqp.url)
        .ok()
        .and_then(|u| u.socket_addrs(|| Some(5672)).ok())
        .and_then(|addrs| addrs.into_iter().next())
        .or_else(|| "127.0.0.1:5672".to_socket_addrs().ok()?.next())
        .expect("broker address");
    let proxy = ChaosProxy::start(broker).await;
    let queue = AmqpQueue::connect(AmqpConfig {
        url: through(&amqp.url, proxy.addr),
        namespace: amqp.namespace.clone(),
    })
    .await
    .expect("RabbitMQ connects through the proxy");
    let jobs = Jobs::new(
        h.db().clone(),
        Transport::single(Backend::Amqp(Arc::new(queue))),
        h.jobs.events().clone(),
    )
    .with_policies(Policies::default().with(JobKind::Monitor, test_policy()));
    let shutdown = CancellationToken::new();
    let worker = tokio::spawn(
        Worker::new(
            jobs.clone(),
            Registry::new().register(TestBody::new()),
            WorkerId::generate(),
            settings(2),
        )
        .run(shutdown.clone()),
    );

    let job = |sleep_ms| TestJob {
        sleep_ms,
        effect: true,
        ..TestJob::default()
    };
    let before = h.enqueue(&job(0)).await;
    h.wait_for_status(before, JobStatus::Succeeded).await;
    let in_flight = h.enqueue(&job(1_500)).await;
    h.wait_for_status(in_flight, JobStatus::Running).await;
    proxy.cut();
    // Pushed on the cut connection: the push reconnects.
    let after = jobs
        .enqueue(&job(0), None)
        .await
        .expect("enqueue reconnects")
        .job
        .id;

    let mut outcomes = Vec::new();
    for id in [before, in_flight, after] {
        let done = h.wait_for_status(id, JobStatus::Succeeded).await;
        outcomes.push((done.attempts, h.effects(id).await));
    }
    shutdown.cancel();
    worker
        .await
        .expect("worker task joins")
        .expect("worker stops cleanly");
    assert_eq!(outcomes, vec![(1, 1), (1, 1), (1, 1)]);
}
