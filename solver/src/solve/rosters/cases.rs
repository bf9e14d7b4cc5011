//! Random one-person problems and brute force over their rows, for the labelling's tests.

use super::super::rows::cost;
use super::CellCosts;
use crate::model::{Assignment, Contract, Pin, Problem, ShiftType, Staff};
use crate::rng::SplitMix;
use crate::validate::validate;

/// A random one-person problem of a few days, with random cell costs.
pub(super) fn case(rng: &mut SplitMix) -> (Problem, CellCosts) {
    let days = 4 + rng.below(5);
    let n_shifts = 1 + rng.below(3);
    let shifts = (0..n_shifts)
        .map(|s| ShiftType {
            code: format!("S{s}"),
            length_minutes: [240, 480, 600][rng.below(3)],
            start_minute: None,
            forbidden_next: (0..n_shifts).filter(|_| rng.below(3) == 0).collect(),
        })
        .collect();
    let contract = Contract {
        max_shifts: (0..n_shifts).map(|_| rng.below(days + 1) as u32).collect(),
        max_total_minutes: 480 * (1 + rng.below(days)) as u32,
        min_total_minutes: 240 * rng.below(days) as u32,
        max_consecutive_shifts: 1 + rng.below(5) as u32,
        min_consecutive_shifts: 1 + rng.below(3) as u32,
        min_consecutive_days_off: 1 + rng.below(3) as u32,
        max_weekends: rng.below(2) as u32,
        min_rest_minutes: None,
    };
    let days_off = (0..days).filter(|_| rng.below(6) == 0).collect();
    let mut pins = Vec::new();
    for d in 0..days {
        if rng.below(8) == 0 {
            pins.push(Pin {
                staff: 0,
                day: d,
                shift: rng.below(n_shifts + 1).checked_sub(1),
            });
        }
    }
    let p = Problem {
        days,
        shifts,
        staff: vec![Staff {
            code: "A".into(),
            contract,
            days_off,
            skills: Vec::new(),
        }],
        on_requests: Vec::new(),
        off_requests: Vec::new(),
        cover: Vec::new(),
        pins,
    };
    let mut work: Vec<Vec<f64>> = (0..days)
        .map(|_| (0..n_shifts).map(|_| rng.below(11) as f64 - 5.0).collect())
        .collect();
    let mut off = vec![0.0; days];
    for (s, &m) in p.staff[0].contract.max_shifts.iter().enumerate() {
        if m == 0 {
            work.iter_mut().for_each(|row| row[s] = f64::INFINITY);
        }
    }
    for &d in &p.staff[0].days_off {
        work[d].iter_mut().for_each(|c| *c = f64::INFINITY);
    }
    for pin in &p.pins {
        for (s, c) in work[pin.day].iter_mut().enumerate() {
            if pin.shift != Some(s) {
                *c = f64::INFINITY;
            }
        }
        if pin.shift.is_some() {
            off[pin.day] = f64::INFINITY;
        }
    }
    (p, CellCosts { work, off })
}

/// Every valid row of the one-person problem, by trying every row.
pub(super) fn valid_rows(p: &Problem) -> Vec<Vec<Option<usize>>> {
    let options = p.shifts.len() + 1;
    (0..options.pow(p.days as u32))
        .map(|code| {
            let mut c = code;
            (0..p.days)
                .map(|_| {
                    let v = c % options;
                    c /= options;
                    v.checked_sub(1)
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| {
            let a = Assignment {
                shifts: vec![row.clone()],
            };
            validate(p, &a).is_valid()
        })
        .collect()
}

/// The costs of every valid row, cheapest first.
pub(super) fn every_row(p: &Problem, costs: &CellCosts) -> Vec<f64> {
    let mut out: Vec<f64> = valid_rows(p).iter().map(|r| cost(costs, r)).collect();
    out.sort_by(f64::total_cmp);
    out
}

/// The cheapest valid row.
pub(super) fn brute(p: &Problem, costs: &CellCosts) -> Option<f64> {
    every_row(p, costs).first().copied()
}
