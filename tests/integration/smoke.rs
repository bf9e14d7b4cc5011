//! `rota smoke` against a running `rota all`: every check passes, and a failing check makes
//! it exit 1 naming that check.

use crate::support::http::free_port;
use crate::support::rota_bin::{rota, stderr, stdout};
use crate::support::served::{Served, built_rota, sqlite_in};
use std::process::Output;

fn smoke(args: &[&str]) -> Output {
    rota()
        .arg("smoke")
        .args(args)
        .output()
        .expect("rota smoke runs")
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

#[test]
fn smoke_passes_every_check_against_a_running_rota_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let served = Served::start(&built_rota(), &sqlite_in(dir.path()));
    let output = smoke(&["--url", &served.url, "--token", &served.token]);
    let printed = stdout(&output);
    assert!(output.status.success(), "{printed}{}", stderr(&output));
    for check in ["health", "database", "forecast", "dashboard"] {
        assert!(
            printed
                .lines()
                .any(|l| l.starts_with("ok") && l.contains(check)),
            "no ok line for {check}:\n{printed}"
        );
    }
    assert!(
        printed.trim_end().ends_with("smoke: every check passed"),
        "{printed}"
    );
}

#[test]
fn smoke_fails_naming_the_dashboard_when_it_loads_slower_than_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let served = Served::start(&built_rota(), &sqlite_in(dir.path()));
    let output = smoke(&[
        "--url",
        &served.url,
        "--token",
        &served.token,
        "--max-dashboard-ms",
        "0",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("FAIL  dashboard"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        last_line(&stderr(&output)),
        "error: smoke check failed: dashboard"
    );
}

#[test]
fn smoke_fails_naming_the_forecast_check_when_the_token_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let served = Served::start(&built_rota(), &sqlite_in(dir.path()));
    let output = smoke(&["--url", &served.url, "--token", "not-a-token"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains("HTTP 401"), "{}", stdout(&output));
    assert_eq!(
        last_line(&stderr(&output)),
        "error: smoke check failed: forecast"
    );
}

#[test]
fn smoke_fails_naming_health_when_nothing_answers() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let output = smoke(&["--url", &url]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("FAIL  health"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        last_line(&stderr(&output)),
        "error: smoke check failed: health"
    );
}

#[test]
fn smoke_rejects_a_url_that_is_not_http() {
    let output = smoke(&["--url", "ftp://example.org"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--url must be http or https"),
        "{}",
        stderr(&output)
    );
}
