//! Benchmark instances solved in the test suite (no timing assertions).

use std::time::Duration;

use rota_solver::{SolveOptions, Status, parse_curtois, solve};

#[test]
fn instance1_is_solved_to_its_published_optimum_607() {
    let p = parse_curtois(include_str!("../fixtures/Instance1.txt")).expect("parses");
    let o = SolveOptions {
        time_limit: Duration::from_secs(3600),
        threads: 1,
        ..SolveOptions::default()
    };
    let s = solve(&p, &o).expect("solves");
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.objective(), Some(607));
    assert!(s.validation.as_ref().is_some_and(|v| v.is_valid()));
}

#[test]
fn the_same_options_give_the_same_rota() {
    let p = parse_curtois(include_str!("../fixtures/Instance2.txt")).expect("parses");
    let o = SolveOptions {
        time_limit: Duration::from_secs(3600),
        threads: 1,
        seed: 7,
        ..SolveOptions::default()
    };
    let a = solve(&p, &o).expect("solves");
    let b = solve(&p, &o).expect("solves");
    assert_eq!(a.status, Status::Optimal);
    assert_eq!(a.assignment, b.assignment);
}

#[test]
fn a_cancelled_solve_stops_without_inventing_a_rota() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    let p = parse_curtois(include_str!("../fixtures/Instance1.txt")).expect("parses");
    let o = SolveOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..SolveOptions::default()
    };
    let s = solve(&p, &o).expect("solves");
    assert_eq!(s.status, Status::TimedOut);
    assert!(s.assignment.is_none());
}

#[test]
fn progress_is_reported_from_zero_to_one() {
    use std::sync::{Arc, Mutex};
    let p = parse_curtois(include_str!("../fixtures/Instance1.txt")).expect("parses");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let o = SolveOptions {
        time_limit: Duration::from_secs(3600),
        progress: Some(Arc::new(move |f: f64, _: &str| {
            sink.lock().expect("lock").push(f)
        })),
        ..SolveOptions::default()
    };
    solve(&p, &o).expect("solves");
    let seen = seen.lock().expect("lock");
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)));
}

#[test]
fn the_explanation_adds_up_to_the_objective() {
    let p = parse_curtois(include_str!("../fixtures/Instance3.txt")).expect("parses");
    let o = SolveOptions {
        time_limit: Duration::from_secs(3600),
        ..SolveOptions::default()
    };
    let s = solve(&p, &o).expect("solves");
    let x = &s.validation.expect("validated").explanation;
    assert_eq!(x.by_kind.total(), x.objective);
    assert_eq!(x.by_day.iter().sum::<i64>(), x.objective);
    let requests: i64 = x.unmet_requests.iter().map(|r| r.weight).sum();
    assert_eq!(x.by_staff.iter().map(|s| s.penalty).sum::<i64>(), requests);
    let json = serde_json::to_string(x).expect("serialises");
    assert!(json.contains("by_kind"));
}
