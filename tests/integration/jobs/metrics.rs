//! `rota worker --metrics-port` serves Prometheus text: jobs by kind and outcome, try
//! durations and queue depth.

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
    let redis = h.redis.as_ref().expect("Redis flavor");
    let port = free_port();
    let _worker = Killed(
        rota()
            .env("DATABASE_URL", &h.db.url)
            .env("REDIS_URL", &redis.url)
            .env("ROTA_REDIS__QUEUE_PREFIX", &redis.prefix)
            .args(["worker", "--queues", "solve", "--concurrency", "1"])
            .args(["--metrics-port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("rota worker starts"),
    );
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
