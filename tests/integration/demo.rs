//! `rota demo`: the embedded default, from an empty directory to a serving process.

use crate::support::http::{free_port, get};
use crate::support::rota_bin::{rota, stderr, stdout};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Kills the child when the test ends, also on failure.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn demo_once_seeds_an_empty_database_and_prints_a_summary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());
    let output = rota()
        .args(["demo", "--once", "--db", &url])
        .output()
        .expect("rota runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON summary");
    assert_eq!(summary["units"], 5);
    assert_eq!(summary["staff"], 70);
    assert_eq!(summary["demand_rows"], 5 * 730 * 3);
    assert_eq!(summary["seeded_now"], true);

    // A second run finds the data and does not seed again.
    let again = rota()
        .args(["demo", "--once", "--db", &url])
        .output()
        .expect("rota runs");
    let summary: serde_json::Value = serde_json::from_str(&stdout(&again)).expect("JSON summary");
    assert_eq!(summary["seeded_now"], false);
    assert_eq!(summary["demand_rows"], 5 * 730 * 3);
}

#[test]
fn demo_serves_healthz_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());
    let port = free_port();
    let child = rota()
        .args(["demo", "--port", &port.to_string(), "--db", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("rota demo starts");
    let mut child = Child(child);
    let addr = format!("127.0.0.1:{port}");

    // Generous bound: this checks that it serves, not how fast (the README quotes the timing).
    let deadline = Instant::now() + Duration::from_secs(120);
    let (status, body) = loop {
        match get(&addr, "/healthz") {
            Ok(response) => break response,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => panic!("rota demo never answered on {addr}: {err}"),
        }
    };
    assert_eq!(status, 200);
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    let (ready, _) = get(&addr, "/readyz").expect("readyz answers");
    assert_eq!(ready, 200);

    // SIGTERM: a graceful stop with exit status 0.
    let pid = child.0.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.0.wait().expect("demo exits");
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}
