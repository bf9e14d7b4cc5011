//! The benchmark report: best-known reader, summary JSON keys and the table.

use rota_solver::{BestKnown, Summary, format_bench_table, parse_best_known};

const TSV: &str = "instance\tbest_known\tlower_bound_or_optimal\nInstance1\t607\toptimal\nInstance15\t3834\t3823\nInstance24\t48777\t-\n";

fn row(instance: &str, objective: i64, status: &str) -> Summary {
    Summary {
        instance: instance.into(),
        status: status.into(),
        objective: Some(objective),
        bound: None,
        gap: None,
        seconds: 1.5,
        valid: true,
        staff: 8,
        days: 14,
    }
}

#[test]
fn best_known_reads_optimal_bounds_and_unknowns() {
    let b = parse_best_known(TSV).expect("parses");
    assert_eq!(b.len(), 3);
    assert_eq!(
        b[0],
        BestKnown {
            instance: "Instance1".into(),
            best: 607,
            optimal: true,
            lower_bound: None
        }
    );
    assert_eq!(b[1].lower_bound, Some(3823));
    assert!(!b[2].optimal && b[2].lower_bound.is_none());
}

#[test]
fn best_known_reports_the_bad_line() {
    let e = parse_best_known("instance\tbest\tx\nInstance1\tmany\toptimal\n").expect_err("fails");
    assert_eq!(e.line, 2);
}

#[test]
fn summary_json_has_the_public_keys() {
    let json = serde_json::to_value(row("Instance1", 607, "optimal")).expect("serialises");
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
        assert!(json.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn table_shows_gap_to_best_known_and_a_summary_line() {
    let best = parse_best_known(TSV).expect("parses");
    let t = format_bench_table(
        &[
            row("Instance1", 607, "optimal"),
            row("Instance15", 3900, "feasible"),
        ],
        &best,
    );
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[1].contains("607") && lines[1].contains("yes"));
    assert!(lines[2].contains("1.72"), "{}", lines[2]);
    assert!(lines[3].starts_with(
        "summary: 2 instances, 2 valid rotas, 1 proven optimal, 1 at or below best known"
    ));
}
