//! The first rota, person by person: all hard rules bind one person at a time and only cover
//! ties people together, so a rota exists exactly when each person has one on their own. Each
//! person is solved against the cover left by the people before them, what is still short
//! weighed by how little of it the people after them could fill (see [`Scarcity`]): by the
//! labelling of [`super::rosters`] (their best row under every hard rule, in milliseconds, its
//! caps fitted to each person's share of the time: see [`Pace`]), or by a MIP when the
//! labelling finds none or runs well past that share (the MIP also proves when a person has no
//! rota at all, and weighs what is short by its under weight alone).

use std::time::{Duration, Instant};

use highs::HighsModelStatus;

use super::colgen::Caps;
use super::rates::Rates;
use super::rosters::cheapest;
use super::rows::{self, against_scarce, capped, place};
use super::{Ctx, SolveError};
use crate::mip::{self, Mode};
use crate::model::{Assignment, Problem};
use crate::validate::cover_counts;

/// Beyond this many shift types, the labelling here starts with fewer labels than the row
/// re-optimisation does: a day's labels multiply with the shift types (a label's last shift
/// is part of its state). Up to ten (Instance12's), a person takes milliseconds at the larger
/// caps. Instance13's 18 took 41 ms a person at the median beside a build, 5.7 s for its 120
/// people, the slowest near their share of the time, past which the rest go to the slower
/// MIP (9.0 s and a first rota of 9,217 in one run); at these caps, 3.1 s and 8,452. Where
/// the shift types are fewer, these caps gave worse first rotas (Instance8: 6,011 against
/// 5,707; 15: 13,185 against 13,099).
const MANY_SHIFTS: usize = 10;
const LABEL_CAP: usize = 8;
const DAY_CAP: usize = 1_000;
/// The caps' floors: a labelling cut short there gives the rest of the people to the MIP.
const FLOORS: Caps = Caps { label: 1, day: 20 };
/// Share of a cover row's under weight that filling it is worth beyond it when its shortfall is
/// beyond what the people still to come could fill (see [`Scarcity`]). Of 0.25, 0.5 and 1,
/// 0.5 gave the best first rota on Instance13, 19 and 20 and the second best on Instance12,
/// 14 and 15; on Instance16 and 17 none of the three helped much (8,146–8,488 against 8,407,
/// 11,212–11,978 against 11,951).
const SCARCITY: f64 = 0.5;
/// A person's labelling may run this many times their share before it is cut for the MIP.
const OVERRUN: f64 = 2.0;
/// A person who took more than their share shrinks the caps to this share of what would
/// have fitted, leaving room for the people who take longer than the last.
const SHRINK_MARGIN: f64 = 0.8;
/// A person who took under this share of their share lets the caps grow back.
const QUICK: f64 = 0.25;

/// The labelling's caps, fitted to each person's share of the time: a person who took more
/// than their share shrinks them for the next, one who took under a quarter of it lets them
/// grow back towards where they started, and only a labelling cut short at the floors gives
/// the labelling up. On long horizons with many shift types, labels outgrow a share: the
/// first of Instance24's 150 people took 0.15 s of their 0.12 at the starting caps, and
/// giving the labelling up for everyone after that one sent the other 149 to the MIP. At
/// 60 s a run, seed 0, beside a build, against giving up after one overrun (the beam keeping
/// minutes, see [`super::rosters`], in both): Instance21–24 ended at 28,478, 65,575, 98,927
/// and 419,267, against 50,008, 101,799, 401,788 and 1,137,134.
struct Pace {
    caps: Caps,
    /// The caps it started at, which it never grows past.
    top: Caps,
    /// Whether people are still labelled (false once a cut came at the floors).
    labelling: bool,
}

impl Pace {
    /// Starts at the row re-optimisation's caps, or at `LABEL_CAP` and `DAY_CAP` beyond
    /// `MANY_SHIFTS` shift types.
    fn new(shifts: usize) -> Self {
        let top = if shifts > MANY_SHIFTS {
            Caps {
                label: LABEL_CAP,
                day: DAY_CAP,
            }
        } else {
            Caps {
                label: rows::LABEL_CAP,
                day: rows::DAY_CAP,
            }
        };
        Self {
            caps: top,
            top,
            labelling: true,
        }
    }

    /// Records a labelling that took `used` of its share and whether it finished. Shrinking
    /// scales the caps as column generation's do.
    fn took(&mut self, used: f64, finished: bool) {
        if !finished && self.caps.at(FLOORS) {
            self.labelling = false;
        } else if used > 1.0 || !finished {
            self.caps = self.caps.shrunk(SHRINK_MARGIN / used.max(1.0), FLOORS);
        } else if used < QUICK {
            self.caps.day = (self.caps.day * 2).min(self.top.day);
            self.caps.label = (self.caps.label * 3 / 2 + 1).min(self.top.label);
        }
    }
}

pub(super) enum Construction {
    Done(Assignment),
    Infeasible(Vec<usize>),
    Stopped,
}

pub(super) fn construct(cx: &Ctx<'_>, mut a: Assignment) -> Result<Construction, SolveError> {
    let p = cx.p;
    let mut infeasible = Vec::new();
    // Each person gets a share of a third of the time; who gets no rota in their share is
    // solved for feasibility alone.
    let share = (cx.remaining() * 0.3 / p.staff.len().max(1) as f64).max(0.05);
    let rates = Rates::new(p);
    let mut counts = cover_counts(p, &a);
    let mut pace = Pace::new(p.shifts.len());
    let scarcity = Scarcity::new(p);
    for e in 0..p.staff.len() {
        if cx.stopped() {
            return Ok(Construction::Stopped);
        }
        if e % 10 == 0 {
            cx.progress(&format!(
                "first rota: person {} of {}",
                e + 1,
                p.staff.len()
            ));
        }
        if pace.labelling {
            let bonus = scarcity.bonus(p, &counts, e);
            let costs = against_scarce(&rates, &a, &counts, e, &bonus);
            let began = Instant::now();
            let stop = began + Duration::from_secs_f64((share * OVERRUN).min(cx.remaining()));
            let mut q = capped(stop);
            (q.cap, q.day_cap) = (pace.caps.label, pace.caps.day);
            let found = cheapest(p, e, &costs, q);
            pace.took(began.elapsed().as_secs_f64() / share, found.finished);
            if let Some((_, row)) = found.rotas.into_iter().next() {
                place(&rates, &mut a, &mut counts, e, row);
                continue;
            }
        }
        match by_mip(cx, &a, e, share) {
            Person::Row(next) => {
                a = next;
                counts = cover_counts(p, &a);
            }
            Person::Infeasible => infeasible.push(e),
            Person::Stopped => return Ok(Construction::Stopped),
        }
    }
    Ok(if infeasible.is_empty() {
        Construction::Done(a)
    } else {
        Construction::Infeasible(infeasible)
    })
}

/// How scarce what is still short is, as people are taken in turn: each cover row's group (its
/// shift type and skill) and what the people after each person could still fill of a group.
/// The first rota takes people in turn, each filling what is short as they reach it; without
/// this, the first people filled cells that many after them could have, and left ones only
/// they could. Instance13's first rota fell from 7,988 to 6,947 with it, Instance8's from
/// 5,707 to 3,410, Instance15's from 13,099 to 9,714 and Instance19's from 17,977 to 12,183
/// (seed 0, beside a build).
struct Scarcity {
    /// Each cover row's group.
    group: Vec<usize>,
    /// `room[e][g]`: what the people after person `e` could work of group `g`, each on their
    /// own (their limit on the shift type, their most minutes and the days bound it).
    room: Vec<Vec<f64>>,
}

impl Scarcity {
    fn new(p: &Problem) -> Self {
        // Each group's first cover row stands for its shift type and skill.
        let mut first: Vec<usize> = Vec::new();
        let group = p
            .cover
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let same = |&j: &usize| p.cover[j].shift == c.shift && p.cover[j].skill == c.skill;
                first.iter().position(same).unwrap_or_else(|| {
                    first.push(i);
                    first.len() - 1
                })
            })
            .collect();
        let n = p.staff.len();
        let mut room = vec![vec![0.0; first.len()]; n];
        for e in (0..n.saturating_sub(1)).rev() {
            let next = &p.staff[e + 1];
            let c = &next.contract;
            let mut here = room[e + 1].clone();
            for (r, &i) in here.iter_mut().zip(&first) {
                let cover = &p.cover[i];
                if cover.counts(next) {
                    let s = cover.shift;
                    let length = f64::from(p.shifts[s].length_minutes.max(1));
                    let minutes = f64::from(c.max_total_minutes) / length;
                    *r += f64::from(c.max_shifts[s]).min(minutes).min(p.days as f64);
                }
            }
            room[e] = here;
        }
        Self { group, room }
    }

    /// Extra worth, per cover row, of filling it now for person `e` given the cover `counts`:
    /// `SCARCITY` of its under weight in proportion to how far its group's shortfall exceeds
    /// what the people after `e` could still fill (up to all of it).
    fn bonus(&self, p: &Problem, counts: &[i64], e: usize) -> Vec<f64> {
        let room = &self.room[e];
        let mut short = vec![0.0; room.len()];
        for ((c, &k), &g) in p.cover.iter().zip(counts).zip(&self.group) {
            short[g] += (i64::from(c.requirement) - k).max(0) as f64;
        }
        p.cover
            .iter()
            .zip(&self.group)
            .map(|(c, &g)| {
                let beyond = (short[g] / room[g].max(1.0)).min(1.0);
                SCARCITY * c.under_weight as f64 * beyond
            })
            .collect()
    }
}

/// What the MIP made of one person.
enum Person {
    /// The rota with the person's row filled in.
    Row(Assignment),
    /// HiGHS proved that the person has no rota at all.
    Infeasible,
    /// The time ran out first.
    Stopped,
}

/// A row for person `e` against the rest of `a`, by a MIP with only that row free, in
/// about `share` seconds (more to prove that none exists): the cheapest, unless a long
/// horizon has the MIP try one shift type first.
fn by_mip(cx: &Ctx<'_>, a: &Assignment, e: usize, share: f64) -> Person {
    let p = cx.p;
    let mut free = vec![vec![false; p.days]; p.staff.len()];
    free[e] = vec![true; p.days];
    // No relative gap here: the person's objective carries every missing cover slot of
    // the horizon, so even 2 % of it would leave many slots they could fill.
    let quick = cx.run_opts(share);
    // First try the person on one shift type only (the one most short of cover): a model
    // a shift-count times smaller, and valid for the real rules since it only adds limits.
    // Failing that, any rota on each other single type in turn.
    let types = single_types(p, a, e);
    let sure = cx.run_opts(share.max(1.0));
    let tries = types
        .iter()
        .take(1)
        .map(|&s| (Mode::Optimise, quick, s))
        .chain(types.iter().take(4).map(|&s| (Mode::Feasibility, sure, s)));
    let mut r = None;
    for (mode, o, s) in tries {
        let t = mip::build_with(p, a, &free, mode, Some((e, s))).run(o, false);
        if t.assignment.is_some() {
            r = Some(t);
            break;
        }
    }
    // Only the full model's verdict proves that the person has no rota at all.
    let mut r = match r {
        Some(r) => r,
        None => mip::build(p, a, &free, Mode::Optimise).run(quick, false),
    };
    if r.assignment.is_none() && r.status != HighsModelStatus::Infeasible {
        let patient = cx.run_opts(cx.remaining());
        r = mip::build(p, a, &free, Mode::Feasibility).run(patient, false);
    }
    match (r.status, r.assignment) {
        (_, Some(next)) => Person::Row(next),
        (HighsModelStatus::Infeasible, None) => Person::Infeasible,
        _ => Person::Stopped,
    }
}

/// The allowed shift types that alone can give person `e` their minimum minutes, most cover
/// still missing first; none when their full model is small anyway.
fn single_types(p: &Problem, a: &Assignment, e: usize) -> Vec<usize> {
    if p.shifts.len() < 2 || p.shifts.len() * p.days <= 1500 {
        return Vec::new();
    }
    let c = &p.staff[e].contract;
    let mut count = vec![vec![0i64; p.shifts.len()]; p.days];
    for row in &a.shifts {
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                count[d][*s] += 1;
            }
        }
    }
    let mut deficit = vec![0i64; p.shifts.len()];
    for cv in &p.cover {
        deficit[cv.shift] +=
            (i64::from(cv.requirement) - count[cv.day][cv.shift]).max(0) * cv.under_weight;
    }
    let mut types: Vec<usize> = (0..p.shifts.len())
        .filter(|&s| c.max_shifts[s] > 0 && !p.forbids(e, s, s))
        .filter(|&s| {
            u64::from(c.max_shifts[s]) * u64::from(p.shifts[s].length_minutes)
                >= u64::from(c.min_total_minutes)
        })
        .collect();
    types.sort_by_key(|&s| (std::cmp::Reverse(deficit[s]), s));
    types
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{ctx, first_rota, problems};
    use super::super::rosters::Search;
    use super::super::rows::cost;
    use super::*;
    use crate::SolveOptions;
    use crate::validate::validate;

    /// Asserts that `row` costs what person `e`'s cheapest row costs against `before`. The
    /// fixtures' labellings never reach the caps, so an uncapped labelling is exact.
    /// With `bonus`, the costs are the labelling's, with each short cover row's scarcity.
    fn assert_cheapest(
        p: &Problem,
        before: &Assignment,
        e: usize,
        row: &[Option<usize>],
        bonus: bool,
    ) {
        let rates = Rates::new(p);
        let counts = cover_counts(p, before);
        let scarce = if bonus {
            Scarcity::new(p).bonus(p, &counts, e)
        } else {
            Vec::new()
        };
        let costs = against_scarce(&rates, before, &counts, e, &scarce);
        let far = Instant::now() + Duration::from_secs(600);
        let exact = cheapest(p, e, &costs, Search::exact(1, far));
        assert!(exact.exact);
        let best = exact.rotas.first().map_or(f64::INFINITY, |r| r.0);
        let own = cost(&costs, row);
        assert!(
            (own - best).abs() < 1e-6,
            "person {e}: row costs {own}, the cheapest {best}"
        );
    }

    /// Asserts that person `e`'s row in `a` breaks none of their hard rules (the others' rows
    /// may be unfinished).
    fn assert_keeps_their_rules(p: &Problem, a: &Assignment, e: usize) {
        let code = &p.staff[e].code;
        let broken: Vec<_> = validate(p, a)
            .violations
            .into_iter()
            .filter(|v| &v.staff == code)
            .collect();
        assert!(broken.is_empty(), "person {e} breaks {broken:?}");
    }

    #[test]
    fn each_person_gets_their_cheapest_row_against_the_people_before_them_by_labelling_or_mip() {
        for p in problems() {
            let o = SolveOptions::default();
            let cx = ctx(&p, &o);
            let (a, _) = first_rota(&cx);
            // Replay: person e against the rows of 0..e, everyone after still off. The
            // labelling's row is the cheapest with the scarcity of what is short; the MIP's,
            // which the fixtures make small enough to solve to optimality, the cheapest
            // without, and it may change no one else.
            let mut before = Assignment::empty(&p);
            for e in 0..p.staff.len() {
                assert_cheapest(&p, &before, e, &a.shifts[e], true);
                let Person::Row(next) = by_mip(&cx, &before, e, 30.0) else {
                    panic!("person {e} has a rota");
                };
                for (other, row) in next.shifts.iter().enumerate() {
                    if other != e {
                        assert_eq!(row, &before.shifts[other], "person {other} was moved");
                    }
                }
                assert_keeps_their_rules(&p, &next, e);
                assert_cheapest(&p, &before, e, &next.shifts[e], false);
                before.shifts[e] = a.shifts[e].clone();
            }
        }
    }

    #[test]
    fn the_caps_shrink_after_an_overrun_grow_back_after_quick_people_and_give_way_at_the_floors() {
        let mut pace = Pace::new(MANY_SHIFTS + 1);
        assert_eq!((pace.caps.label, pace.caps.day), (LABEL_CAP, DAY_CAP));
        // Twice the share: the next person gets under half the day cap.
        pace.took(2.0, true);
        assert!(pace.caps.day <= DAY_CAP / 2 && pace.caps.label < LABEL_CAP);
        assert!(pace.labelling);
        // Within the share but not quick: unchanged.
        let before = (pace.caps.label, pace.caps.day);
        pace.took(0.5, true);
        assert_eq!((pace.caps.label, pace.caps.day), before);
        // Quick people: back to the start, never past it.
        for _ in 0..20 {
            pace.took(0.1, true);
        }
        assert_eq!((pace.caps.label, pace.caps.day), (LABEL_CAP, DAY_CAP));
        // Cut short: the caps shrink and the labelling goes on while they can.
        while pace.caps.label > FLOORS.label || pace.caps.day > FLOORS.day {
            pace.took(OVERRUN, false);
            assert!(pace.labelling);
        }
        assert_eq!((pace.caps.label, pace.caps.day), (FLOORS.label, FLOORS.day));
        pace.took(OVERRUN, false);
        assert!(
            !pace.labelling,
            "a cut at the floors gives the labelling up"
        );
    }

    #[test]
    fn the_first_person_fills_the_shift_only_they_can_work_before_one_others_can() {
        // Cover asks one A and one B a day. A asks for A every day, which B costs a point
        // of; only A may work B, and the two after A may work A alone. Without the scarcity
        // of B, A takes A, the others have nothing left to fill and B stays short all week.
        let mut t = String::from("SECTION_HORIZON\n7\n\nSECTION_SHIFTS\nA,480,\nB,480,\n\n");
        t += "SECTION_STAFF\nA,A=7|B=7,3360,0,7,1,1,1\n";
        t += "O1,A=7|B=0,3360,0,7,1,1,1\nO2,A=7|B=0,3360,0,7,1,1,1\n\n";
        t += "SECTION_SHIFT_ON_REQUESTS\n";
        for d in 0..7 {
            t += &format!("A,{d},A,1\n");
        }
        t += "\nSECTION_COVER\n";
        for d in 0..7 {
            t += &format!("{d},A,1,100,1\n{d},B,1,100,1\n");
        }
        let p = crate::curtois::parse(&t).expect("the instance parses");
        let o = SolveOptions::default();
        let (a, v) = first_rota(&ctx(&p, &o));
        assert_eq!(a.shifts[0], vec![Some(1); 7], "A works B all week");
        assert_eq!(v.objective(), 7, "every day covered, A's requests unmet");
    }

    #[test]
    fn a_first_rota_over_many_shift_types_keeps_every_hard_rule() {
        // Past MANY_SHIFTS types the labelling keeps fewer labels; its rows must still keep
        // every rule, with every type barred to some people, forbidden successions, and more
        // cover asked than the staff can give.
        let (types, days, staff) = (MANY_SHIFTS + 2, 14, 8);
        let mut t = format!("SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\n");
        for s in 0..types {
            let next = if s % 3 == 0 {
                format!("s{}", (s + 1) % types)
            } else {
                String::new()
            };
            t += &format!("s{s},{},{next}\n", 360 + 60 * (s % 4));
        }
        t += "\nSECTION_STAFF\n";
        for e in 0..staff {
            let max: Vec<String> = (0..types)
                .map(|s| format!("s{s}={}", if (s + e) % 5 == 0 { 0 } else { 3 }))
                .collect();
            t += &format!("E{e},{},4320,2880,4,2,2,1\n", max.join("|"));
        }
        t += "\nSECTION_DAYS_OFF\nE0,3\n\nSECTION_SHIFT_ON_REQUESTS\n";
        t += "\nSECTION_SHIFT_OFF_REQUESTS\n\nSECTION_COVER\n";
        for d in 0..days {
            for s in 0..types {
                t += &format!("{d},s{s},{},100,1\n", 1 + (d + s) % 2);
            }
        }
        let p = crate::curtois::parse(&t).expect("the instance parses");
        assert!(p.shifts.len() > MANY_SHIFTS);
        let o = SolveOptions::default();
        let (a, v) = first_rota(&ctx(&p, &o));
        assert!(v.is_valid());
        assert!(a.shifts.iter().all(|row| row.iter().any(Option::is_some)));
    }

    #[test]
    fn on_a_long_horizon_the_mip_first_tries_the_one_shift_type_most_short_of_cover() {
        // Instance3's three shift types over 520 days: a person's full model is big enough
        // that the MIP starts with a single type (cover stays on the first fortnight).
        let mut p = problems().remove(2);
        p.days = 520;
        let o = SolveOptions::default();
        let cx = ctx(&p, &o);
        let a = Assignment::empty(&p);
        let e = 0;
        let types = single_types(&p, &a, e);
        let first = *types.first().expect("some type alone meets the minutes");
        let missing = |s: usize| -> i64 {
            p.cover
                .iter()
                .filter(|c| c.shift == s)
                .map(|c| i64::from(c.requirement) * c.under_weight)
                .sum()
        };
        assert!(types.iter().all(|&s| missing(s) <= missing(first)));
        let Person::Row(next) = by_mip(&cx, &a, e, 30.0) else {
            panic!("person {e} has a rota");
        };
        assert!(next.shifts[e].iter().flatten().all(|&s| s == first));
        assert!(next.shifts[e].iter().any(Option::is_some));
        assert_keeps_their_rules(&p, &next, e);
    }

    #[test]
    fn a_person_whose_contract_no_row_can_meet_is_named_as_infeasible() {
        for mut p in problems() {
            // More minutes than the horizon holds.
            let c = &mut p.staff[1].contract;
            c.min_total_minutes = 24 * 60 * p.days as u32;
            c.max_total_minutes = c.min_total_minutes;
            let o = SolveOptions::default();
            let cx = ctx(&p, &o);
            assert!(matches!(
                by_mip(&cx, &Assignment::empty(&p), 1, 5.0),
                Person::Infeasible
            ));
            let Ok(Construction::Infeasible(staff)) = construct(&cx, Assignment::empty(&p)) else {
                panic!("the construction names who has no rota");
            };
            assert_eq!(staff, vec![1]);
        }
    }
}
