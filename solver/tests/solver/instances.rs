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
