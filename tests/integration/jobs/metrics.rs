//! `rota worker --metrics-port` serves Prometheus text: jobs by kind and outcome, try
//! durations and queue depth, on the address `--metrics-host` gives.

use super::harness::{Flavor, Harness};
use crate::support::http::{free_port, get};
use crate::support::rota_bin::rota;
use rota_entity::enums::{JobKind, JobStatus};
use rota_worker::JobPayload;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A `solve` job whose payload no solve body accepts: it is dead on its first try.
#[derive(Serialize, Deserialize)]
struct UnreadableSolve {
    nonsense: bool,
}

impl JobPayload for UnreadableSolve {
    const KIND: JobKind = JobKind::Solve;
}

/// Kills the worker process when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_worker_exports_its_jobs_durations_and_queue_depth() {
    let h = Harness::new(Flavor::Redis).await;
    let port = free_port();
    let _worker = metrics_worker(&h, port, &[]);
    let id = h
        .jobs
        .enqueue(&UnreadableSolve { nonsense: true }, None)
        .await
        .expect("enqueue succeeds")
        .job
        .id;
    h.wait_for_status(id, JobStatus::Dead).await;

    let addr = format!("127.0.0.1:{port}");
    let expected = [
        r#"rota_jobs_started_total{kind="solve"} 1"#,
        r#"rota_jobs_dead_total{kind="solve"} 1"#,
        r#"rota_job_duration_seconds_count{kind="solve",outcome="dead"} 1"#,
        r#"rota_queue_depth{queue="solve"} 0"#,
    ];
    // The queue depth is sampled every few seconds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let scraped = get(&addr, "/metrics");
        let missing: Vec<&str> = match &scraped {
            Ok((200, body)) => expected
                .iter()
                .copied()
                .filter(|line| !body.lines().any(|l| l == *line))
                .collect(),
            _ => expected.to_vec(),
        };
        if missing.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "missing {missing:?} in {scraped:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_worker_serves_its_metrics_only_on_the_address_it_is_given() {
    let h = Harness::new(Flavor::Redis).await;
    let port = free_port();
    let _worker = metrics_worker(&h, port, &["--metrics-host", "127.0.0.1"]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !matches!(get(&format!("127.0.0.1:{port}"), "/metrics"), Ok((200, _))) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no metrics on 127.0.0.1:{port}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Every 127.x address is this host: a listener on all interfaces would answer there too.
    assert!(
        std::net::TcpStream::connect(("127.0.0.2", port)).is_err(),
        "the metrics port answers beyond 127.0.0.1"
    );
}

/// A `rota worker` on the harness's Redis queues with its metrics on `port`.
fn metrics_worker(h: &Harness, port: u16, extra: &[&str]) -> Killed {
    let redis = h.redis.as_ref().expect("Redis flavor");
    Killed(
        rota()
            .env("DATABASE_URL", &h.db.url)
            .env("REDIS_URL", &redis.url)
            .env("ROTA_REDIS__QUEUE_PREFIX", &redis.prefix)
            .args(["worker", "--queues", "solve", "--concurrency", "1"])
            .args(["--metrics-port", &port.to_string()])
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("rota worker starts"),
    )
}
