//! Independent checker: every hard rule and the objective, recomputed in plain Rust (no MIP).

use serde::{Deserialize, Serialize};

use crate::explain::{Explanation, RequestKind, Uncovered, UnmetRequest};
use crate::model::{Assignment, Problem};

/// A hard rule of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardRule {
    /// The rota's shape or a shift index does not match the problem.
    Shape,
    /// A forbidden succession of shifts on consecutive days (or too little rest).
    ForbiddenSuccession,
    /// More shifts of one type than the contract allows.
    MaxShifts,
    /// More paid minutes than the contract allows.
    MaxTotalMinutes,
    /// Fewer paid minutes than the contract requires.
    MinTotalMinutes,
    /// A run of working days that is too long.
    MaxConsecutiveShifts,
    /// A run of working days that is too short (not touching the horizon's ends).
    MinConsecutiveShifts,
    /// A run of days off that is too short (not touching the horizon's ends).
    MinConsecutiveDaysOff,
    /// More worked weekends than allowed.
    MaxWeekends,
    /// Work on a fixed day off.
    DayOff,
    /// A pinned assignment not respected.
    Pin,
}

/// One broken hard rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule broken.
    pub rule: HardRule,
    /// Code of the member of staff concerned.
    pub staff: String,
    /// First day concerned, when the rule is about days.
    pub day: Option<usize>,
    /// What is wrong, for people.
    pub detail: String,
}

/// Outcome of checking an assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Every broken hard rule; empty when the rota is valid.
    pub violations: Vec<Violation>,
    /// Objective recomputed term by term, with its breakdown.
    pub explanation: Explanation,
}

impl Validation {
    /// True when no hard rule is broken.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// The recomputed objective.
    pub fn objective(&self) -> i64 {
        self.explanation.objective
    }
}

/// Checks every hard rule of `a` and recomputes its objective.
pub fn validate(p: &Problem, a: &Assignment) -> Validation {
    let mut v = Vec::new();
    if a.shifts.len() != p.staff.len()
        || a.shifts
            .iter()
            .any(|row| row.len() != p.days || row.iter().flatten().any(|&s| s >= p.shifts.len()))
    {
        v.push(Violation {
            rule: HardRule::Shape,
            staff: String::new(),
            day: None,
            detail: "rota does not match the problem's staff, days or shifts".into(),
        });
        return Validation {
            violations: v,
            explanation: Explanation::empty(p),
        };
    }
    for (e, row) in a.shifts.iter().enumerate() {
        check_staff(p, e, row, &mut v);
    }
    for pin in &p.pins {
        if a.shifts[pin.staff][pin.day] != pin.shift {
            v.push(Violation {
                rule: HardRule::Pin,
                staff: p.staff[pin.staff].code.clone(),
                day: Some(pin.day),
                detail: "pinned assignment not respected".into(),
            });
        }
    }
    Validation {
        violations: v,
        explanation: objective(p, a),
    }
}

fn check_staff(p: &Problem, e: usize, row: &[Option<usize>], v: &mut Vec<Violation>) {
    let st = &p.staff[e];
    let c = &st.contract;
    let mut push = |rule, day, detail: String| {
        v.push(Violation {
            rule,
            staff: st.code.clone(),
            day,
            detail,
        })
    };
    for d in 1..p.days {
        if let (Some(s), Some(t)) = (row[d - 1], row[d])
            && p.forbids(e, s, t)
        {
            push(
                HardRule::ForbiddenSuccession,
                Some(d - 1),
                format!("{} followed by {}", p.shifts[s].code, p.shifts[t].code),
            );
        }
    }
    for (s, &limit) in c.max_shifts.iter().enumerate() {
        let n = row.iter().filter(|&&x| x == Some(s)).count();
        if n as u64 > u64::from(limit) {
            push(
                HardRule::MaxShifts,
                None,
                format!("{n} {} shifts, at most {limit}", p.shifts[s].code),
            );
        }
    }
    let minutes: u64 = row
        .iter()
        .flatten()
        .map(|&s| u64::from(p.shifts[s].length_minutes))
        .sum();
    if minutes > u64::from(c.max_total_minutes) {
        push(
            HardRule::MaxTotalMinutes,
            None,
            format!("{minutes} minutes, at most {}", c.max_total_minutes),
        );
    }
    if minutes < u64::from(c.min_total_minutes) {
        push(
            HardRule::MinTotalMinutes,
            None,
            format!("{minutes} minutes, at least {}", c.min_total_minutes),
        );
    }
    for &d in &st.days_off {
        if row[d].is_some() {
            push(HardRule::DayOff, Some(d), "works on a fixed day off".into());
        }
    }
    for (start, len, working) in runs(row) {
        let touches = start == 0 || start + len == p.days;
        if working && len as u64 > u64::from(c.max_consecutive_shifts) {
            push(
                HardRule::MaxConsecutiveShifts,
                Some(start),
                format!("{len} days in a row, at most {}", c.max_consecutive_shifts),
            );
        }
        if working && !touches && (len as u64) < u64::from(c.min_consecutive_shifts) {
            push(
                HardRule::MinConsecutiveShifts,
                Some(start),
                format!("{len} days in a row, at least {}", c.min_consecutive_shifts),
            );
        }
        if !working && !touches && (len as u64) < u64::from(c.min_consecutive_days_off) {
            push(
                HardRule::MinConsecutiveDaysOff,
                Some(start),
                format!(
                    "{len} days off in a row, at least {}",
                    c.min_consecutive_days_off
                ),
            );
        }
    }
    let weekends = p.weekends_worked(row);
    if weekends as u64 > u64::from(c.max_weekends) {
        push(
            HardRule::MaxWeekends,
            None,
            format!("{weekends} weekends worked, at most {}", c.max_weekends),
        );
    }
}

/// Maximal runs of working / non-working days as (start, length, working).
fn runs(row: &[Option<usize>]) -> Vec<(usize, usize, bool)> {
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    for (d, x) in row.iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.2 == x.is_some() => last.1 += 1,
            _ => out.push((d, 1, x.is_some())),
        }
    }
    out
}

/// Recomputes the objective of `a` term by term (hard rules are not looked at).
pub fn objective(p: &Problem, a: &Assignment) -> Explanation {
    let mut x = Explanation::empty(p);
    for (kind, list) in [
        (RequestKind::On, &p.on_requests),
        (RequestKind::Off, &p.off_requests),
    ] {
        for r in list {
            let works = a.shifts[r.staff][r.day] == Some(r.shift);
            if works != (kind == RequestKind::On) {
                x.add_request(p, kind, r);
            }
        }
    }
    for (c, n) in p.cover.iter().zip(cover_counts(p, a)) {
        let req = i64::from(c.requirement);
        if n < req {
            x.by_kind.cover_under += c.under_weight * (req - n);
            x.by_day[c.day] += c.under_weight * (req - n);
            x.uncovered.push(Uncovered {
                day: c.day,
                shift: p.shifts[c.shift].code.clone(),
                skill: c.skill.clone(),
                requirement: c.requirement,
                assigned: n as u32,
                shortfall: (req - n) as u32,
            });
        } else if n > req {
            x.by_kind.cover_over += c.over_weight * (n - req);
            x.by_day[c.day] += c.over_weight * (n - req);
        }
    }
    x.objective = x.by_kind.total();
    x
}

/// How many staff count towards each entry of `p.cover` in `a` (working its shift that day,
/// with its skill when it names one).
pub(crate) fn cover_counts(p: &Problem, a: &Assignment) -> Vec<i64> {
    p.cover
        .iter()
        .map(|c| {
            a.shifts
                .iter()
                .enumerate()
                .filter(|(e, row)| row[c.day] == Some(c.shift) && c.counts(&p.staff[*e]))
                .count() as i64
        })
        .collect()
}

impl Explanation {
    fn add_request(&mut self, p: &Problem, kind: RequestKind, r: &crate::model::Request) {
        match kind {
            RequestKind::On => self.by_kind.on_requests += r.weight,
            RequestKind::Off => self.by_kind.off_requests += r.weight,
        }
        self.by_staff[r.staff].penalty += r.weight;
        self.by_day[r.day] += r.weight;
        self.unmet_requests.push(UnmetRequest {
            kind,
            staff: p.staff[r.staff].code.clone(),
            day: r.day,
            shift: p.shifts[r.shift].code.clone(),
            weight: r.weight,
        });
    }
}
