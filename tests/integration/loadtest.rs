//! `rota loadtest` against a running server, and `/readyz` of a server on Redis and RabbitMQ.

use crate::support::http::{free_port, get};
use crate::support::rota_bin::{rota, stderr, stdout};
use crate::support::{Backend, TestAmqp, TestDb, TestRedis, server};

fn loadtest(url: &str, token: &str, extra: &[&str]) -> std::process::Output {
    rota()
        .args([
            "loadtest",
            "--url",
            url,
            "--token",
            token,
            "--duration",
            "1",
        ])
        .args(["--connections", "4"])
        .args(extra)
        .output()
        .expect("rota loadtest runs")
}

#[test]
fn loadtest_reports_throughput_and_latency_percentiles_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (demo, token) = server::demo(dir.path());
    let output = loadtest(&demo.url(), &token, &["--scenario", "forecast", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("one JSON object");
    for key in [
        "requests",
        "requests_per_s",
        "mean_ms",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "max_ms",
        "errors",
    ] {
        assert!(report[key].is_number(), "{key} missing: {report}");
    }
    assert!(report["requests"].as_u64() > Some(0), "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    let (p50, p99, max) = (
        report["p50_ms"].as_f64(),
        report["p99_ms"].as_f64(),
        report["max_ms"].as_f64(),
    );
    assert!(p50 <= p99 && p99 <= max, "{report}");
}

#[test]
fn loadtest_exits_1_when_the_mean_is_above_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (demo, token) = server::demo(dir.path());
    let output = loadtest(&demo.url(), &token, &["--max-mean-ms", "0.000001"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("mean latency"),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("req/s"),
        "the table is printed too"
    );
}

#[test]
fn loadtest_counts_a_bad_token_as_errors_and_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (demo, _) = server::demo(dir.path());
    let output = loadtest(&demo.url(), "not-a-token", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("401"), "{}", stderr(&output));
}

#[test]
fn loadtest_solve_scenario_enqueues_and_cancels_what_it_enqueued() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (demo, token) = server::demo(dir.path());
    let output = loadtest(&demo.url(), &token, &["--scenario", "solve", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let requests = report["requests"].as_u64().expect("requests");
    assert!(requests > 0);
    assert!(
        stderr(&output).contains(&format!(
            "cancelled {requests} of the {requests} solve jobs"
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn loadtest_names_a_server_it_cannot_reach() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let output = loadtest(&url, "t", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot connect"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn readyz_checks_redis_and_rabbitmq_when_configured() {
    let db = TestDb::new(Backend::Sqlite).await;
    rota::db::migrate_up(&db.db).await.expect("migrate");
    let (redis, amqp) = (TestRedis::new().await, TestAmqp::new().await);
    let mut command = rota();
    command
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &redis.url)
        .env("AMQP_URL", &amqp.url)
        .env("ROTA_REDIS__QUEUE_PREFIX", &redis.prefix)
        .env(
            "ROTA_REDIS__CACHE_PREFIX",
            format!("{}:cache", redis.prefix),
        )
        .env("ROTA_AMQP__NAMESPACE", &amqp.namespace)
        .env("ROTA_AMQP__EVENTS_EXCHANGE", amqp.events_exchange());
    let all = server::all(command);
    let (status, body) = get(&all.addr, "/readyz").expect("readyz answers");
    let ready: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(status, 200, "{ready}");
    for check in ["database", "redis", "amqp", "models"] {
        assert_eq!(ready[check]["status"], "ok", "{check}: {ready}");
        assert!(ready[check]["latency_ms"].is_number(), "{ready}");
    }
}
