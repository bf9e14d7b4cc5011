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
fn solves_on_other_thread_counts_in_one_process_both_prove_the_optimum() {
    // HiGHS sizes one thread scheduler per process: a later model asking for another size
    // used to fail at once, which left a one-thread solve after a two-thread one unproven.
    let p = parse_curtois(include_str!("../fixtures/Instance1.txt")).expect("parses");
    for threads in [2, 1] {
        let o = SolveOptions {
            time_limit: Duration::from_secs(120),
            threads,
            ..SolveOptions::default()
        };
        let s = solve(&p, &o).expect("solves");
        assert_eq!(s.status, Status::Optimal, "on {threads} threads");
        assert_eq!(s.objective(), Some(607), "on {threads} threads");
    }
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

/// 40 people × 28 days × 2 shifts on Curtois-like contracts: above the size solved as one
/// model, so the rota comes from column generation and the neighbourhood search.
fn forty_people() -> rota_solver::Problem {
    use rota_solver::Request;
    let (day, night) = (crate::rules::shift("D", 480), crate::rules::shift("N", 480));
    let mut p = crate::rules::tiny(28, vec![day, night], 40);
    p.shifts[1].forbidden_next = vec![0];
    for st in &mut p.staff {
        let c = &mut st.contract;
        c.max_shifts = vec![28, 6];
        (c.min_total_minutes, c.max_total_minutes) = (16 * 480, 18 * 480);
        (c.max_consecutive_shifts, c.min_consecutive_shifts) = (5, 2);
        (c.min_consecutive_days_off, c.max_weekends) = (2, 2);
    }
    p.on_requests = (0..40)
        .map(|staff| Request {
            staff,
            day: (staff * 5) % 28,
            shift: staff % 2,
            weight: 1 + (staff % 3) as i64,
        })
        .collect();
    p.cover = day_and_night_cover(28, |day| [26 + (day * 7) % 5, 6 + day % 3]);
    p
}

/// Cover of the day (0) and night (1) shifts over `days`, 100 per person short, 1 per extra.
fn day_and_night_cover(days: usize, need: impl Fn(usize) -> [usize; 2]) -> Vec<rota_solver::Cover> {
    (0..days)
        .flat_map(|day| {
            let n = need(day);
            [0, 1].map(|shift| rota_solver::Cover {
                day,
                shift,
                requirement: n[shift] as u32,
                under_weight: 100,
                over_weight: 1,
                skill: None,
            })
        })
        .collect()
}

#[test]
fn a_model_too_big_to_solve_whole_still_reports_a_proven_bound() {
    let p = forty_people();
    let o = SolveOptions {
        time_limit: Duration::from_secs(30),
        threads: 2,
        ..SolveOptions::default()
    };
    let s = solve(&p, &o).expect("solves");
    let objective = s.objective().expect("a rota") as f64;
    let bound = s.bound().expect("a proven bound");
    // 40 people work at most 18 shifts each: every place beyond 720 goes uncovered.
    let places: u32 = p.cover.iter().map(|c| c.requirement).sum();
    let short = f64::from(places.saturating_sub(40 * 18)) * 100.0;
    assert!(short > 0.0);
    assert!(
        bound >= short,
        "bound {bound} below the {short} that uncovered places cost"
    );
    assert!(
        bound <= objective,
        "bound {bound} above the objective {objective}"
    );
}

#[test]
fn column_generation_proves_optimal_a_model_too_big_to_solve_whole() {
    // The whole model's root bound alone leaves a gap here; the master LP over whole rotas
    // per person, priced exactly, closes it.
    let p = forty_people();
    // Column generation proves it in seconds; the neighbourhood search and the closing
    // whole-model run alone took minutes.
    let o = SolveOptions {
        time_limit: Duration::from_secs(120),
        threads: 2,
        ..SolveOptions::default()
    };
    let s = solve(&p, &o).expect("solves");
    assert_eq!(s.status, Status::Optimal, "objective {:?}", s.objective());
    assert_eq!(s.bound(), s.objective().map(|o| o as f64));
}

/// Twelve people over `weeks` weeks, day and night shifts, no requests.
fn long_horizon(weeks: usize) -> rota_solver::Problem {
    let days = 7 * weeks;
    let mut p = forty_people();
    p.staff.truncate(12);
    p.days = days;
    p.on_requests.clear();
    for st in &mut p.staff {
        let c = &mut st.contract;
        // Four shifts in seven, a night at most one day in five, a weekend in two.
        c.max_shifts = vec![days as u32, (days / 5) as u32];
        let shifts = (4 * days / 7) as u32;
        (c.min_total_minutes, c.max_total_minutes) =
            (shifts * 480, (shifts + weeks as u32 / 2) * 480);
        c.max_weekends = weeks.div_ceil(2) as u32;
    }
    p.cover = day_and_night_cover(days, |day| [6 + day % 3, 2]);
    p
}

/// Solves `p` in `secs` seconds; the solution and every progress message.
fn solve_watched(p: &rota_solver::Problem, secs: u64) -> (rota_solver::Solution, Vec<String>) {
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let o = SolveOptions {
        time_limit: Duration::from_secs(secs),
        threads: 2,
        progress: Some(Arc::new(move |_: f64, m: &str| {
            sink.lock().expect("lock").push(m.to_string())
        })),
        ..SolveOptions::default()
    };
    let s = solve(p, &o).expect("solves");
    let seen = seen.lock().expect("lock").clone();
    (s, seen)
}

#[test]
fn a_horizon_too_long_for_column_generation_gets_it_on_windows_then_the_search() {
    // Thirteen weeks: beyond the horizons column generation takes whole, so it runs on a
    // window of twelve weeks and one of a week; the neighbourhood search and the whole model
    // follow, and whichever stage finds the final rota, its objective is the last improvement
    // reported.
    let (s, seen) = solve_watched(&long_horizon(13), 20);
    let windows: Vec<&str> = seen
        .iter()
        .filter_map(|m| m.strip_prefix("column generation on days "))
        .collect();
    assert_eq!(windows, ["1–84", "85–91"]);
    let last = seen
        .iter()
        .rev()
        .find_map(|m| m.strip_prefix("improved to "))
        .expect("the search improved the first rota");
    assert_eq!(last.parse::<i64>().ok(), s.objective());
    assert!(s.validation.as_ref().is_some_and(|v| v.is_valid()));
}

#[test]
fn column_generation_runs_on_a_twelve_week_horizon() {
    let (s, seen) = solve_watched(&long_horizon(12), 10);
    assert!(
        seen.iter().any(|m| m.starts_with("column generation: LP")),
        "no round of column generation: {seen:?}"
    );
    assert!(s.validation.as_ref().is_some_and(|v| v.is_valid()));
}
