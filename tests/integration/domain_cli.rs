//! The domain commands end to end through the binary: `solve-file`, `bench curtois` and
//! `forecast-file`, with their public JSON keys.

use crate::support::rota_bin::{run, stderr, stdout};
use serde_json::Value;

/// Read at run time: a test binary reused from a build cache filled by a checkout elsewhere
/// would carry that checkout's path in a compile-time `env!`.
fn fixtures() -> String {
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    format!("{root}/solver/tests/fixtures")
}

/// `rota solve-file Instance1.txt <flags> --json`, which must succeed; its one JSON object.
fn solve_instance1_json(flags: &[&str]) -> Value {
    let file = format!("{}/Instance1.txt", fixtures());
    let mut args = vec!["solve-file", file.as_str()];
    args.extend_from_slice(flags);
    args.push("--json");
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(stdout(&output).trim()).expect("one JSON object")
}

#[test]
fn solve_file_solves_instance1_to_its_optimum_with_the_json_contract() {
    let summary = solve_instance1_json(&["--time-limit", "120"]);
    for key in [
        "instance",
        "status",
        "objective",
        "bound",
        "gap",
        "seconds",
        "valid",
        "staff",
        "days",
    ] {
        assert!(summary.get(key).is_some(), "missing key {key}: {summary}");
    }
    assert_eq!(summary["instance"], "Instance1");
    assert_eq!(summary["objective"], 607);
    assert_eq!(summary["valid"], true);
    assert_eq!(summary["days"], 14);
}

#[test]
fn solve_file_with_a_gap_reports_a_rota_proven_within_it() {
    let summary = solve_instance1_json(&["--gap", "0.25"]);
    let objective = summary["objective"].as_f64().expect("an objective");
    let bound = summary["bound"].as_f64().expect("a bound");
    assert!(bound <= objective, "{summary}");
    assert!((objective - bound) / objective <= 0.25, "{summary}");
    assert_eq!(summary["valid"], true);
}

#[test]
fn solve_file_refuses_a_gap_outside_zero_to_one_and_names_the_flag() {
    let file = format!("{}/Instance1.txt", fixtures());
    for bad in ["--gap=1", "--gap=-0.1", "--gap=NaN"] {
        let output = run(&["solve-file", &file, bad]);
        assert_eq!(output.status.code(), Some(1), "{bad}: {}", stderr(&output));
        let err = stderr(&output);
        assert!(err.contains("--gap must be a fraction"), "{bad}: {err}");
    }
}

#[test]
fn solve_file_names_the_line_of_a_malformed_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.txt");
    let text = std::fs::read_to_string(format!("{}/Instance1.txt", fixtures())).expect("fixture");
    // Cut the file in the middle of a section.
    let cut: String = text
        .lines()
        .take(20)
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        + "E,garbage\n";
    std::fs::write(&file, cut).expect("write");
    let output = run(&["solve-file", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn bench_curtois_prints_a_table_against_the_best_known() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        format!("{}/Instance1.txt", fixtures()),
        dir.path().join("Instance1.txt"),
    )
    .expect("copy");
    std::fs::write(
        dir.path().join("best_known.tsv"),
        "instance\tbest_known\tlower_bound_or_optimal\nInstance1\t607\toptimal\n",
    )
    .expect("write");
    let output = run(&[
        "bench",
        "curtois",
        "--dir",
        dir.path().to_str().expect("utf-8"),
        "--time-limit",
        "120",
        "--seed",
        "3",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.contains("Instance1"), "{table}");
    assert!(table.contains("607"), "{table}");
}

fn weekly_series(days: usize) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).expect("date");
    let mut csv = String::from("ds,y\n");
    for d in 0..days {
        let date = start + chrono::Duration::days(d as i64);
        let weekday = d % 7;
        let y = 20.0 + if weekday >= 5 { -6.0 } else { 2.0 } + (d as f64 * 0.37).sin();
        csv.push_str(&format!("{date},{y:.2}\n"));
    }
    csv
}

#[test]
fn forecast_file_prints_csv_and_the_json_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ward.csv");
    std::fs::write(&file, weekly_series(120)).expect("write");
    let path = file.to_str().expect("utf-8");

    let csv = run(&["forecast-file", path, "--horizon", "14"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    assert_eq!(text.lines().next(), Some("ds,yhat,yhat_lower,yhat_upper"));
    assert_eq!(text.lines().count(), 1 + 14);

    let json = run(&["forecast-file", path, "--json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let report: Value = serde_json::from_str(stdout(&json).trim()).expect("one JSON object");
    for key in ["forecast", "holdout_mape", "baseline_mapes", "fit_ms"] {
        assert!(report.get(key).is_some(), "missing key {key}");
    }
    let rows = report["forecast"].as_array().expect("rows");
    assert_eq!(rows.len(), 28);
    for row in rows {
        let (lower, yhat, upper) = (
            row["yhat_lower"].as_f64(),
            row["yhat"].as_f64(),
            row["yhat_upper"].as_f64(),
        );
        assert!(lower <= yhat && yhat <= upper, "{row}");
    }
}

#[test]
fn forecast_file_with_too_little_history_says_how_much() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("tiny.csv");
    std::fs::write(&file, weekly_series(12)).expect("write");
    let output = run(&["forecast-file", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("12") && err.contains("30"), "{err}");
}
