//! `rota bench queue` keeps its public contract: its flags and JSON keys, and no job lost.

use crate::support::amqp::amqp_url;
use crate::support::redis::redis_url;
use crate::support::rota_bin::{rota, stderr, stdout};

const KEYS: [&str; 9] = [
    "backend",
    "jobs",
    "enqueue_per_s",
    "e2e_per_s",
    "pickup_p50_ms",
    "pickup_p99_ms",
    "raw_e2e_per_s",
    "ratio",
    "lost",
];

fn bench(backend: &str) -> serde_json::Value {
    let output = rota()
        .env("REDIS_URL", redis_url())
        .env("AMQP_URL", amqp_url())
        .args([
            "bench",
            "queue",
            "--backend",
            backend,
            "--jobs",
            "200",
            "--concurrency",
            "4",
            "--pickups",
            "5",
            "--json",
        ])
        .output()
        .expect("rota runs");
    assert!(output.status.success(), "bench failed: {}", stderr(&output));
    serde_json::from_str(stdout(&output).trim()).expect("one JSON object on stdout")
}

fn check(report: &serde_json::Value, backend: &str) {
    let missing: Vec<_> = KEYS.iter().filter(|k| report.get(**k).is_none()).collect();
    assert!(missing.is_empty(), "missing keys {missing:?} in {report}");
    assert_eq!(
        (
            report["backend"].as_str(),
            report["jobs"].as_u64(),
            report["lost"].as_u64()
        ),
        (Some(backend), Some(200), Some(0)),
        "{report}"
    );
}

#[test]
fn embedded_bench_reports_every_key_and_loses_nothing() {
    check(&bench("embedded"), "embedded");
}

#[test]
fn redis_bench_reports_every_key_and_loses_nothing() {
    check(&bench("redis"), "redis");
}

#[test]
fn amqp_bench_reports_every_key_and_loses_nothing() {
    check(&bench("amqp"), "amqp");
}
