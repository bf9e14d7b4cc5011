//! The rows of the formulation: each person's hard rules and the soft objective.

use good_lp::{Expression, variable};

use super::{Builder, Cell};
use crate::validate::HardRule;

pub(super) fn staff_rows(b: &mut Builder<'_>, e: usize, pinned: &[Vec<bool>]) {
    let p = b.p;
    let h = p.days;
    let c = p.staff[e].contract.clone();
    let any_free =
        |b: &Builder<'_>, mut ds: std::ops::RangeInclusive<usize>| ds.any(|d| b.free(e, d));
    // Forbidden successions (and minimum rest) as clique rows.
    for d in 0..h.saturating_sub(1) {
        if !b.free(e, d) && !b.free(e, d + 1) {
            continue;
        }
        for s in 0..p.shifts.len() {
            let next: Vec<usize> = (0..p.shifts.len())
                .filter(|&t| p.forbids(e, s, t))
                .collect();
            if next.is_empty() {
                continue;
            }
            let mut lhs = b.x(e, d, s);
            for t in next {
                lhs += b.x(e, d + 1, t);
            }
            b.leq(lhs, 1.0, HardRule::ForbiddenSuccession, Some(d), 1.0);
        }
    }
    // Shifts per type and total minutes.
    for (s, &limit) in c.max_shifts.iter().enumerate() {
        if (limit as usize) < h {
            let lhs: Expression = (0..h).map(|d| b.x(e, d, s)).sum();
            b.leq(lhs, f64::from(limit), HardRule::MaxShifts, None, 1.0);
        }
    }
    let minutes: Expression = (0..h)
        .flat_map(|d| (0..p.shifts.len()).map(move |s| (d, s)))
        .map(|(d, s)| b.x(e, d, s) * f64::from(p.shifts[s].length_minutes))
        .sum();
    b.leq(
        minutes.clone(),
        f64::from(c.max_total_minutes),
        HardRule::MaxTotalMinutes,
        None,
        1.0 / 60.0,
    );
    if c.min_total_minutes > 0 {
        b.leq(
            -minutes,
            -f64::from(c.min_total_minutes),
            HardRule::MinTotalMinutes,
            None,
            1.0 / 60.0,
        );
    }
    // Maximum run: every window of C+1 days holds at most C working days.
    let cmax = c.max_consecutive_shifts as usize;
    if cmax < h {
        for d in 0..h - cmax {
            if any_free(b, d..=d + cmax) {
                let lhs: Expression = (d..=d + cmax).map(|i| b.w(e, i)).sum();
                b.leq(
                    lhs,
                    cmax as f64,
                    HardRule::MaxConsecutiveShifts,
                    Some(d),
                    1.0,
                );
            }
        }
    }
    // Minimum runs of work and of rest in the start-up form `w[d] − w[d−1] ≤ w[d+j]`. The
    // start-up/shut-down hull form (Rajan & Takriti) was tried and made HiGHS far slower here.
    pairwise_rows(
        b,
        e,
        c.min_consecutive_shifts as usize,
        c.min_consecutive_days_off as usize,
    );
    // Weekends: k ≥ w[sat], k ≥ w[sun], Σ k ≤ limit.
    let nw = p.weekends();
    if (c.max_weekends as usize) < nw {
        let mut total = Expression::default();
        for wk in 0..nw {
            let (sat, sun) = p.weekend_days(wk);
            let days: Vec<usize> = std::iter::once(sat).chain(sun).collect();
            if !days.iter().any(|&d| b.free(e, d)) {
                let worked = days.iter().any(|&d| b.base_works(e, d));
                total += if worked { 1.0 } else { 0.0 };
                continue;
            }
            let st0 = if days.iter().any(|&d| b.base_works(e, d)) {
                1.0
            } else {
                0.0
            };
            let (k, _) = b.add(variable().binary(), st0);
            let mut upper = Expression::from(0.0);
            for &d in &days {
                b.rows.push((b.w(e, d) - k).leq(0.0));
                upper += b.w(e, d);
            }
            b.rows.push((Expression::from(k) - upper).leq(0.0));
            total += k;
        }
        b.leq(
            total,
            f64::from(c.max_weekends),
            HardRule::MaxWeekends,
            None,
            1.0,
        );
    }
    if b.elastic {
        // Days off and pins are bounds in the normal model; here they may give way too.
        for &d in &p.staff[e].days_off {
            let w = b.w(e, d);
            b.leq(w, 0.0, HardRule::DayOff, Some(d), 1.0);
        }
        for pin in p
            .pins
            .iter()
            .filter(|pin| pin.staff == e && pinned[e][pin.day])
        {
            let lhs = match pin.shift {
                Some(s) => -b.x(e, pin.day, s),
                None => b.w(e, pin.day),
            };
            let rhs = if pin.shift.is_some() { -1.0 } else { 0.0 };
            b.leq(lhs, rhs, HardRule::Pin, Some(pin.day), 1.0);
        }
    }
}

fn pairwise_rows(b: &mut Builder<'_>, e: usize, cmin: usize, omin: usize) {
    let h = b.p.days;
    for d in 1..h {
        for j in 1..cmin.max(omin) {
            if d + j >= h || !(b.free(e, d - 1) || b.free(e, d) || b.free(e, d + j)) {
                continue;
            }
            if j < cmin {
                let lhs = b.w(e, d) - b.w(e, d - 1) - b.w(e, d + j);
                b.leq(lhs, 0.0, HardRule::MinConsecutiveShifts, Some(d), 1.0);
            }
            if j < omin {
                let lhs = b.w(e, d - 1) - b.w(e, d) + b.w(e, d + j);
                b.leq(lhs, 1.0, HardRule::MinConsecutiveDaysOff, Some(d), 1.0);
            }
        }
    }
}

pub(super) fn objective_terms(b: &mut Builder<'_>) {
    let p = b.p;
    for r in &p.on_requests {
        let w = r.weight as f64;
        let granted = matches!(b.cells[r.staff][r.day], Cell::Fixed(Some(x)) if x == r.shift);
        match b.has_var(r.staff, r.day, r.shift) {
            Some(v) => {
                b.offset += w;
                b.cost(v, -w);
            }
            None if granted => {}
            None => b.offset += w,
        }
    }
    for r in &p.off_requests {
        let w = r.weight as f64;
        let worked = matches!(b.cells[r.staff][r.day], Cell::Fixed(Some(x)) if x == r.shift);
        match b.has_var(r.staff, r.day, r.shift) {
            Some(v) => b.cost(v, w),
            None if worked => b.offset += w,
            None => {}
        }
    }
    // Counts of the base rota per (day, shift), so each cover row only visits the people
    // with free cells (the others are constants).
    let mut base_n = vec![vec![0usize; p.shifts.len()]; p.days];
    for row in &b.base.shifts {
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                base_n[d][*s] += 1;
            }
        }
    }
    let active: Vec<usize> = (0..p.staff.len())
        .filter(|&e| (0..p.days).any(|d| b.free(e, d)))
        .collect();
    for c in &p.cover {
        let mut n = Expression::default();
        let (mut has_vars, mut n0) = (false, 0.0);
        let skilled = |e: usize| c.counts(&p.staff[e]);
        let mut constant = 0usize;
        if c.skill.is_none() {
            n0 = base_n[c.day][c.shift] as f64;
            constant = base_n[c.day][c.shift];
        }
        let people: Vec<usize> = if c.skill.is_none() {
            active.clone()
        } else {
            (0..p.staff.len()).collect()
        };
        for e in people {
            if !skilled(e) {
                continue;
            }
            let in_base = b.base.shifts[e][c.day] == Some(c.shift);
            if c.skill.is_some() && in_base {
                n0 += 1.0;
                constant += 1;
            }
            if let Cell::Free { x, .. } = &b.cells[e][c.day] {
                // A free cell is a variable, not a constant.
                constant -= usize::from(in_base);
                if let Some((v, _)) = x[c.shift] {
                    n += v;
                    has_vars = true;
                }
            }
        }
        n += constant as f64;
        let req = f64::from(c.requirement);
        if !has_vars {
            b.offset += (req - n0).max(0.0) * c.under_weight as f64
                + (n0 - req).max(0.0) * c.over_weight as f64;
            continue;
        }
        // Slacks start at the base rota's values so the warm start is feasible.
        let u = b.add(variable().min(0.0), (req - n0).max(0.0));
        let o = b.add(variable().min(0.0), (n0 - req).max(0.0));
        b.cost(u, c.under_weight as f64);
        b.cost(o, c.over_weight as f64);
        b.rows.push((n + u.0 - o.0).eq(req));
    }
}
