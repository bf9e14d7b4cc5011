//! The release tooling: the package script, the server-side deploy script, the example
//! configuration, and the performance and coverage gates the CI workflows run.

use crate::support::TestDb;
use crate::support::rota_bin::{rota, rota_at, stderr, stdout};
use crate::support::served::{Served, built_rota};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn script(name: &str) -> Command {
    Command::new(repo().join("scripts").join(name))
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

#[tokio::test]
async fn release_package_unpacked_in_a_temp_dir_migrates_and_passes_smoke_against_rota_all() {
    let work = tempfile::tempdir().expect("temp dir");
    let packaged = ok(script("package.sh")
        .arg("--binary")
        .arg(built_rota())
        .arg("--out")
        .arg(work.path())
        .args(["--name", "rota-test"])
        .output()
        .expect("package.sh runs"));
    let tarball = PathBuf::from(packaged.lines().last().expect("tarball path").trim());
    assert_eq!(tarball, work.path().join("rota-test.tar.gz"));

    let unpacked = tempfile::tempdir().expect("temp dir");
    ok(Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(unpacked.path())
        .output()
        .expect("tar runs"));
    let root = unpacked.path().join("rota-test");
    for file in [
        "rota",
        "rota.toml",
        "README.md",
        "compose.yaml",
        "Dockerfile",
        "deploy.sh",
        "RELEASE",
        "migration/src/lib.rs",
        "systemd/rota-api.service",
        "systemd/rota-worker.service",
        "systemd/rota-scheduler.service",
    ] {
        assert!(root.join(file).is_file(), "the package lacks {file}");
    }

    let test_db = TestDb::postgres().await;
    let bin = root.join("rota");
    // Served::start runs `rota migrate up` from the package before it starts `rota all`.
    let served = Served::start(&bin, &test_db.url);
    let status = rota_at(&bin)
        .args(["--db", &test_db.url, "migrate", "status"])
        .output()
        .expect("rota migrate status runs");
    assert!(status.status.success(), "{}", stdout(&status));
    let smoke = rota_at(&bin)
        .args(["smoke", "--url", &served.url, "--token", &served.token])
        .output()
        .expect("rota smoke runs");
    assert!(
        smoke.status.success(),
        "{}{}",
        stdout(&smoke),
        stderr(&smoke)
    );
}

#[test]
fn package_script_refuses_a_binary_that_does_not_exist() {
    let output = script("package.sh")
        .args(["--binary", "/nonexistent/rota"])
        .output()
        .expect("package.sh runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("not an executable rota binary"));
}

/// The example configuration parses, and names every setting `rota config` knows in its
/// section, set or commented out.
#[test]
fn example_config_parses_and_documents_every_setting() {
    let example = repo().join("packaging/rota.toml");
    let printed = ok(rota()
        .arg("--config")
        .arg(&example)
        .arg("config")
        .output()
        .expect("rota config runs"));
    let effective: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
    let text = std::fs::read_to_string(&example).expect("example readable");
    let documented = documented_keys(&text);
    let sections = effective.as_object().expect("sections");
    for (section, keys) in sections {
        for key in keys.as_object().expect("keys").keys() {
            let name = format!("{section}.{key}");
            assert!(
                documented.contains(&name),
                "packaging/rota.toml lacks {name}"
            );
        }
    }
}

/// `section.key` of every `key = ` line, commented out or not, under its `[section]`.
fn documented_keys(toml: &str) -> Vec<String> {
    let mut section = String::new();
    let mut keys = Vec::new();
    for line in toml.lines() {
        let line = line.trim().trim_start_matches('#').trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
        } else if let Some((key, _)) = line.split_once(" = ")
            && !key.contains(' ')
        {
            keys.push(format!("{section}.{key}"));
        }
    }
    keys
}

fn fake_release(root: &Path, name: &str) -> PathBuf {
    let dir = root.join("releases").join(name);
    std::fs::create_dir_all(&dir).expect("release dir");
    std::fs::copy(repo().join("packaging/deploy.sh"), dir.join("deploy.sh")).expect("copy");
    std::fs::write(dir.join("rota"), "#!/bin/sh\n").expect("fake binary");
    let chmod = Command::new("chmod")
        .arg("+x")
        .arg(dir.join("rota"))
        .status()
        .expect("chmod runs");
    assert!(chmod.success());
    dir
}

fn deploy(release: &Path, root: &Path, command: &str) -> Output {
    Command::new(release.join("deploy.sh"))
        .args([command, "--root"])
        .arg(root)
        .output()
        .expect("deploy.sh runs")
}

fn current(root: &Path) -> PathBuf {
    std::fs::canonicalize(root.join("current")).expect("current resolves")
}

#[test]
fn deploy_script_keeps_the_last_three_releases_and_rolls_back_to_the_previous() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).expect("root");
    let releases: Vec<PathBuf> = (1..=5)
        .map(|n| fake_release(&root, &format!("r{n}")))
        .collect();
    for release in &releases {
        ok(deploy(release, &root, "activate"));
    }
    let mut kept: Vec<String> = std::fs::read_dir(root.join("releases"))
        .expect("releases")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(kept, ["r3", "r4", "r5"]);
    assert_eq!(current(&root), releases[4]);

    ok(deploy(&releases[4], &root, "rollback"));
    assert_eq!(current(&root), releases[3]);
    // Only one step back is remembered: a second rollback has nowhere to go.
    let again = deploy(&releases[3], &root, "rollback");
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("no previous release"));
}

#[test]
fn deploy_script_refuses_to_activate_a_release_outside_the_root() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let release = fake_release(elsewhere.path(), "r1");
    let root = tempfile::tempdir().expect("temp dir");
    let output = deploy(&release, root.path(), "activate");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("not inside"));
}

fn perf_compare(results: &Path, baseline: &Path) -> Output {
    Command::new("python3")
        .arg(repo().join("scripts/perf-compare.py"))
        .arg(results)
        .arg("--baseline")
        .arg(baseline)
        .output()
        .expect("python3 runs")
}

fn perf_fixture(mean_ms: f64, per_s: f64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let loadtest = serde_json::json!({"requests": 1000, "requests_per_s": per_s,
        "mean_ms": mean_ms, "p50_ms": mean_ms, "p90_ms": mean_ms, "p99_ms": mean_ms,
        "max_ms": mean_ms, "errors": 0});
    std::fs::write(dir.path().join("loadtest-mixed.json"), loadtest.to_string()).expect("write");
    dir
}

fn baseline_from(results: &Path) -> PathBuf {
    let baseline = results.parent().expect("parent").join("baseline.json");
    let output = Command::new("python3")
        .arg(repo().join("scripts/perf-compare.py"))
        .arg(results)
        .arg("--baseline")
        .arg(&baseline)
        .arg("--update")
        .output()
        .expect("python3 runs");
    ok(output);
    baseline
}

#[test]
fn perf_compare_passes_within_twenty_percent_and_fails_beyond_naming_the_figure() {
    let base = perf_fixture(100.0, 500.0);
    let baseline = baseline_from(base.path());

    let slightly_slower = perf_fixture(115.0, 450.0);
    ok(perf_compare(slightly_slower.path(), &baseline));

    let much_slower = perf_fixture(130.0, 500.0);
    let output = perf_compare(much_slower.path(), &baseline);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("loadtest.mixed.mean_ms regressed +30.0%"));
}

#[test]
fn perf_compare_fails_when_the_mean_response_exceeds_one_second() {
    let slow = perf_fixture(1500.0, 10.0);
    let baseline = baseline_from(slow.path());
    let output = perf_compare(slow.path(), &baseline);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("over the 1000 ms limit"));
}

#[test]
fn coverage_gate_fails_a_gated_crate_below_the_minimum_and_passes_one_above() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = repo();
    // solver: 4 of 5 lines (80 %), worker: 1 of 2 lines (50 %).
    let lcov = format!(
        "SF:{solver}\nDA:1,1\nDA:2,3\nDA:3,1\nDA:4,1\nDA:5,0\nend_of_record\n\
         SF:{worker}\nDA:1,1\nDA:2,0\nend_of_record\n",
        solver = root.join("solver/src/lib.rs").display(),
        worker = root.join("worker/src/lib.rs").display(),
    );
    let file = dir.path().join("lcov.info");
    std::fs::write(&file, lcov).expect("write");
    let gate = |crates: &str| {
        Command::new("python3")
            .arg(root.join("scripts/coverage-gate.py"))
            .arg(&file)
            .arg("--workspace")
            .arg(&root)
            .args(["--gate", crates])
            .output()
            .expect("python3 runs")
    };
    ok(gate("solver"));
    let failed = gate("solver,worker");
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("worker 50.0 %"),
        "{}",
        stderr(&failed)
    );
}
