//! One tiny hand-made case per rule: the MIP's optimum equals the exhaustive optimum found
//! with the validator alone, and the validator flags a rota that breaks the rule.

use std::time::Duration;

use rota_solver::{
    Assignment, Contract, Cover, HardRule, Pin, Problem, Request, ShiftType, SolveOptions, Staff,
    Status, solve, validate,
};

use crate::brute;

pub fn shift(code: &str, minutes: u32) -> ShiftType {
    ShiftType {
        code: code.into(),
        length_minutes: minutes,
        start_minute: None,
        forbidden_next: vec![],
    }
}

/// A problem with `n` people on generous contracts and nothing else.
pub fn tiny(days: usize, shifts: Vec<ShiftType>, n: usize) -> Problem {
    let s = shifts.len();
    let staff = (0..n)
        .map(|i| Staff {
            code: format!("P{i}"),
            contract: Contract {
                max_shifts: vec![days as u32; s],
                max_total_minutes: 100_000,
                min_total_minutes: 0,
                max_consecutive_shifts: days as u32,
                min_consecutive_shifts: 1,
                min_consecutive_days_off: 1,
                max_weekends: 10,
                min_rest_minutes: None,
            },
            days_off: vec![],
            skills: vec![],
        })
        .collect();
    Problem {
        days,
        shifts,
        staff,
        on_requests: vec![],
        off_requests: vec![],
        cover: vec![],
        pins: vec![],
    }
}

pub fn on(staff: usize, day: usize, shift: usize, weight: i64) -> Request {
    Request {
        staff,
        day,
        shift,
        weight,
    }
}

pub fn options() -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(600),
        threads: 1,
        ..SolveOptions::default()
    }
}

/// The MIP and the exhaustive search agree on the optimum (or on infeasibility).
pub fn assert_agree(p: &Problem) -> Option<i64> {
    let s = solve(p, &options()).expect("solve");
    match brute::optimum(p) {
        Some(best) => {
            assert_eq!(s.status, Status::Optimal, "expected optimal");
            assert_eq!(s.objective(), Some(best));
            assert!(s.validation.as_ref().is_some_and(|v| v.is_valid()));
            Some(best)
        }
        None => {
            assert!(
                matches!(s.status, Status::Infeasible { .. }),
                "expected infeasible, got {:?}",
                s.status
            );
            None
        }
    }
}

fn rota(p: &Problem, rows: &[&str]) -> Assignment {
    // One string per person, one character per day: '.' off, otherwise the shift's code.
    let mut a = Assignment::empty(p);
    for (e, row) in rows.iter().enumerate() {
        for (d, ch) in row.chars().enumerate() {
            a.shifts[e][d] = p.shifts.iter().position(|s| s.code.starts_with(ch));
        }
    }
    a
}

fn flags(p: &Problem, rows: &[&str], rule: HardRule) -> bool {
    validate(p, &rota(p, rows))
        .violations
        .iter()
        .any(|v| v.rule == rule)
}

#[test]
fn forbidden_succession_keeps_the_cheaper_request() {
    let mut p = tiny(3, vec![shift("N", 480), shift("D", 480)], 1);
    p.shifts[0].forbidden_next = vec![1];
    p.on_requests = vec![on(0, 0, 0, 5), on(0, 1, 1, 3)];
    assert_eq!(assert_agree(&p), Some(3));
    assert!(flags(&p, &["ND."], HardRule::ForbiddenSuccession));
    assert!(!flags(&p, &["DN."], HardRule::ForbiddenSuccession));
}

#[test]
fn minimum_rest_forbids_an_early_after_a_late() {
    let mut p = tiny(2, vec![shift("L", 480), shift("E", 480)], 1);
    p.shifts[0].start_minute = Some(14 * 60);
    p.shifts[1].start_minute = Some(6 * 60);
    p.staff[0].contract.min_rest_minutes = Some(11 * 60);
    p.on_requests = vec![on(0, 0, 0, 4), on(0, 1, 1, 2)];
    assert_eq!(assert_agree(&p), Some(2));
    assert!(flags(&p, &["LE"], HardRule::ForbiddenSuccession));
}

#[test]
fn max_shifts_per_type_caps_granted_requests() {
    let mut p = tiny(4, vec![shift("D", 480)], 1);
    p.staff[0].contract.max_shifts = vec![2];
    p.on_requests = (0..4).map(|d| on(0, d, 0, d as i64 + 1)).collect();
    assert_eq!(assert_agree(&p), Some(3));
    assert!(flags(&p, &["DDD."], HardRule::MaxShifts));
}

#[test]
fn max_total_minutes_caps_work() {
    let mut p = tiny(4, vec![shift("D", 480)], 1);
    p.staff[0].contract.max_total_minutes = 960;
    p.on_requests = (0..4).map(|d| on(0, d, 0, 2)).collect();
    assert_eq!(assert_agree(&p), Some(4));
    assert!(flags(&p, &["DDD."], HardRule::MaxTotalMinutes));
}

#[test]
fn min_total_minutes_forces_work_against_off_requests() {
    let mut p = tiny(4, vec![shift("D", 480)], 1);
    p.staff[0].contract.min_total_minutes = 960;
    p.off_requests = (0..4).map(|d| on(0, d, 0, d as i64 + 1)).collect();
    assert_eq!(assert_agree(&p), Some(3));
    assert!(flags(&p, &["D..."], HardRule::MinTotalMinutes));
}

#[test]
fn max_consecutive_shifts_breaks_long_runs() {
    let mut p = tiny(5, vec![shift("D", 480)], 1);
    p.staff[0].contract.max_consecutive_shifts = 3;
    p.on_requests = (0..5).map(|d| on(0, d, 0, 10 - d as i64)).collect();
    assert_eq!(assert_agree(&p), Some(7));
    assert!(flags(&p, &["DDDD."], HardRule::MaxConsecutiveShifts));
    assert!(!flags(&p, &["DDD.D"], HardRule::MaxConsecutiveShifts));
}

#[test]
fn min_consecutive_shifts_exempts_runs_at_the_borders() {
    let mut p = tiny(5, vec![shift("D", 480)], 1);
    p.staff[0].contract.min_consecutive_shifts = 3;
    p.on_requests = vec![on(0, 2, 0, 5), on(0, 0, 0, 1)];
    p.off_requests = vec![on(0, 1, 0, 2), on(0, 3, 0, 2)];
    // Best: work days 0-2, a run allowed because it touches the start.
    assert_eq!(assert_agree(&p), Some(2));
    assert!(flags(&p, &[".DD.."], HardRule::MinConsecutiveShifts));
    assert!(!flags(&p, &["D...D"], HardRule::MinConsecutiveShifts));
}

#[test]
fn min_consecutive_days_off_exempts_runs_at_the_borders() {
    let mut p = tiny(5, vec![shift("D", 480)], 1);
    p.staff[0].contract.min_consecutive_days_off = 2;
    p.on_requests = (0..5).filter(|&d| d != 2).map(|d| on(0, d, 0, 3)).collect();
    p.off_requests = vec![on(0, 2, 0, 4)];
    assert_eq!(assert_agree(&p), Some(3));
    assert!(flags(&p, &["DD.DD"], HardRule::MinConsecutiveDaysOff));
    assert!(!flags(&p, &[".DDD."], HardRule::MinConsecutiveDaysOff));
}

#[test]
fn max_weekends_counts_saturday_or_sunday() {
    let mut p = tiny(14, vec![shift("D", 480)], 1);
    p.staff[0].contract.max_weekends = 1;
    p.on_requests = vec![on(0, 5, 0, 2), on(0, 6, 0, 2), on(0, 12, 0, 3)];
    assert_eq!(assert_agree(&p), Some(3));
    assert!(flags(&p, &[".....D......D."], HardRule::MaxWeekends));
    assert!(!flags(&p, &[".....DD......."], HardRule::MaxWeekends));
}

#[test]
fn days_off_are_never_worked() {
    let mut p = tiny(3, vec![shift("D", 480)], 1);
    p.staff[0].days_off = vec![1];
    p.on_requests = vec![on(0, 1, 0, 9), on(0, 2, 0, 1)];
    assert_eq!(assert_agree(&p), Some(9));
    assert!(flags(&p, &[".D."], HardRule::DayOff));
}

#[test]
fn pins_hold_against_requests() {
    let mut p = tiny(3, vec![shift("D", 480), shift("N", 480)], 1);
    p.pins = vec![
        Pin {
            staff: 0,
            day: 0,
            shift: Some(1),
        },
        Pin {
            staff: 0,
            day: 2,
            shift: None,
        },
    ];
    p.off_requests = vec![on(0, 0, 1, 5)];
    p.on_requests = vec![on(0, 2, 0, 7)];
    assert_eq!(assert_agree(&p), Some(12));
    assert!(flags(&p, &["D.."], HardRule::Pin));
}

#[test]
fn cover_weighs_shortfall_and_excess() {
    let mut p = tiny(2, vec![shift("D", 480)], 3);
    p.cover = vec![
        Cover {
            day: 0,
            shift: 0,
            requirement: 2,
            under_weight: 100,
            over_weight: 1,
            skill: None,
        },
        Cover {
            day: 1,
            shift: 0,
            requirement: 1,
            under_weight: 100,
            over_weight: 1,
            skill: None,
        },
    ];
    p.staff[0].days_off = vec![0, 1];
    p.staff[1].days_off = vec![0];
    p.off_requests = vec![on(1, 1, 0, 150)];
    // Day 0: only P2 can work (short by 1: 100). Day 1: P1 would cost 150; P2 covers it.
    assert_eq!(assert_agree(&p), Some(100));
    let v = validate(&p, &rota(&p, &["..", "..", "DD"]));
    assert_eq!(v.explanation.uncovered.len(), 1);
    assert_eq!(v.explanation.uncovered[0].shortfall, 1);
}

#[test]
fn skill_cover_counts_only_skilled_staff() {
    let mut p = tiny(1, vec![shift("D", 480)], 2);
    p.staff[1].skills = vec!["icu".into()];
    p.cover = vec![Cover {
        day: 0,
        shift: 0,
        requirement: 1,
        under_weight: 50,
        over_weight: 1,
        skill: Some("icu".into()),
    }];
    p.off_requests = vec![on(1, 0, 0, 20)];
    assert_eq!(assert_agree(&p), Some(20));
}

#[test]
fn infeasible_problem_names_the_person_and_rule() {
    let mut p = tiny(3, vec![shift("D", 480)], 2);
    p.staff[1].contract.min_total_minutes = 480 * 2;
    p.staff[1].days_off = vec![0, 1];
    let s = solve(&p, &options()).expect("solve");
    let Status::Infeasible { explanation } = s.status else {
        panic!("expected infeasible, got {:?}", s.status)
    };
    assert!(explanation.conflicts.iter().all(|c| c.staff == "P1"));
    assert!(
        explanation
            .conflicts
            .iter()
            .any(|c| matches!(c.rule, HardRule::MinTotalMinutes | HardRule::DayOff))
    );
    assert!(explanation.summary.contains("P1"));
}

#[test]
fn a_pin_on_a_day_off_is_reported_as_a_conflict() {
    let mut p = tiny(3, vec![shift("D", 480)], 1);
    p.staff[0].days_off = vec![1];
    p.pins = vec![Pin {
        staff: 0,
        day: 1,
        shift: Some(0),
    }];
    let s = solve(&p, &options()).expect("solve");
    let Status::Infeasible { explanation } = s.status else {
        panic!("expected infeasible, got {:?}", s.status)
    };
    assert!(
        explanation
            .conflicts
            .iter()
            .any(|c| c.staff == "P0" && matches!(c.rule, HardRule::DayOff | HardRule::Pin))
    );
}
