//! `rota bench soak` through the real binary: worker processes SIGKILLed while they run jobs,
//! and no job lost or done twice.

use crate::support::amqp::amqp_url;
use crate::support::redis::redis_url;
use crate::support::rota_bin::{rota, stderr, stdout};
use crate::support::{Backend, TestDb};

const KILLS: u64 = 3;
const JOBS: u64 = 300;

async fn soak(backend: &str) -> serde_json::Value {
    let db = TestDb::new(Backend::Postgres).await;
    let output = rota()
        .env("REDIS_URL", redis_url())
        .env("AMQP_URL", amqp_url())
        .args(["bench", "soak", "--backend", backend, "--workers", "3"])
        .args(["--concurrency", "4", "--kills", &KILLS.to_string()])
        .args(["--jobs", &JOBS.to_string(), "--work-ms", "100"])
        .args(["--kill-every-ms", "300", "--json"])
        .args(["--db", &db.url])
        .output()
        .expect("rota runs");
    assert!(output.status.success(), "soak failed: {}", stderr(&output));
    serde_json::from_str(stdout(&output).trim()).expect("one JSON object on stdout")
}

fn check(report: &serde_json::Value) {
    let figure = |key: &str| report[key].as_u64();
    assert_eq!(
        [
            "enqueued",
            "succeeded",
            "lost",
            "dead",
            "double_effects",
            "missing_effects",
            "kills",
            "kills_mid_job"
        ]
        .map(figure),
        [JOBS, JOBS, 0, 0, 0, 0, KILLS, KILLS].map(Some),
        "{report}"
    );
}

#[tokio::test]
async fn redis_workers_killed_mid_job_lose_no_job_and_double_no_effect() {
    check(&soak("redis").await);
}

#[tokio::test]
async fn amqp_workers_killed_mid_job_lose_no_job_and_double_no_effect() {
    check(&soak("amqp").await);
}
