//! Row re-optimisation: each person's whole row re-solved by the labelling against the rest
//! of the rota held as it is, person after person. With the others fixed, what a person's row
//! costs is separable by cell — a shift there fills a shortfall (saving its under weight) or
//! adds an excess (costing its over weight) — so the labelling finds the person's best row
//! under every hard rule at once: a move across the whole horizon, where the neighbourhood
//! search's sub-MIPs free a few weeks at a time. Horizons too long for column generation on
//! the whole of them get no other whole-row move: its windows change a few weeks of each row.

use std::time::{Duration, Instant};

use super::rates::Rates;
use super::rosters::{CellCosts, Search, cheapest};
use super::{Ctx, SolveError, checked};
use crate::model::Assignment;
use crate::rng::SplitMix;
use crate::validate::{Validation, cover_counts};

/// The labelling's caps here: a heuristic pricing is enough, since a row is taken only when
/// it is cheaper than the person's current one.
pub(super) const LABEL_CAP: usize = 16;
pub(super) const DAY_CAP: usize = 4_000;

/// The search for a person's one cheapest row within the caps above, until `stop`.
pub(super) fn capped(stop: Instant) -> Search {
    Search {
        want: 1,
        cap: LABEL_CAP,
        day_cap: DAY_CAP,
        below: f64::INFINITY,
        stop,
        keep_minutes: true,
    }
}
/// A row must be cheaper by more than this to be taken.
const EPS: f64 = 1e-6;

/// Passes over every person, in an order drawn from `rng`, re-solving each row against the
/// others, until a pass changes nothing or `budget` seconds pass; keeps each better rota.
pub(super) fn reoptimise(
    cx: &Ctx<'_>,
    best: &mut (Assignment, Validation),
    rng: &mut SplitMix,
    budget: f64,
) -> Result<(), SolveError> {
    let n = cx.p.staff.len();
    let stop = Instant::now() + Duration::from_secs_f64(budget.max(0.0));
    let rates = Rates::new(cx.p);
    let threads = cx.o.threads.clamp(1, 8) as usize;
    let mut changed = true;
    while changed && Instant::now() < stop && !cx.stopped() {
        let before = best.1.objective();
        for batch in rng.sample(n, n).chunks(threads) {
            if Instant::now() >= stop || cx.stopped() {
                break;
            }
            improve(cx, &rates, best, batch, stop)?;
        }
        changed = best.1.objective() < before;
    }
    Ok(())
}

/// Re-solves the rows of `people`, one thread each, against the rest of `best`; keeps the
/// result when it is better.
fn improve(
    cx: &Ctx<'_>,
    rates: &Rates<'_>,
    best: &mut (Assignment, Validation),
    people: &[usize],
    stop: Instant,
) -> Result<(), SolveError> {
    let p = cx.p;
    let mut a = best.0.clone();
    let mut counts = cover_counts(p, &a);
    // Priced at once against the same counts, each row is judged again against the counts
    // the others' changes left.
    let mut changed = false;
    for (e, row) in price(rates, &a, &counts, people, stop) {
        let costs = against(rates, &a, &counts, e);
        if cost(&costs, &row) < cost(&costs, &a.shifts[e]) - EPS {
            place(rates, &mut a, &mut counts, e, row);
            changed = true;
        }
    }
    if changed {
        let v = checked(p, &a, None)?;
        cx.keep(best, a, v);
    }
    Ok(())
}

/// The cheapest row the labelling finds for each of `people`, one thread each.
fn price(
    rates: &Rates<'_>,
    a: &Assignment,
    counts: &[i64],
    people: &[usize],
    stop: Instant,
) -> Vec<(usize, Vec<Option<usize>>)> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = people
            .iter()
            .map(|&e| {
                scope.spawn(move || {
                    let costs = against(rates, a, counts, e);
                    let found = cheapest(rates.p, e, &costs, capped(stop));
                    found.rotas.into_iter().next().map(|(_, row)| (e, row))
                })
            })
            .collect();
        // A thread that panicked loses only its person's chance to move.
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// Person `e`'s cell costs with the rest of the rota as it is: on each cover row, one more of
/// them is worth the under weight where the others leave it short, less the over weight where
/// they do not.
pub(super) fn against(rates: &Rates<'_>, a: &Assignment, counts: &[i64], e: usize) -> CellCosts {
    against_scarce(rates, a, counts, e, &[])
}

/// As [`against`], with `scarce[i]` more on the worth of each cover row `i` the others leave
/// short (nothing more on rows past the end of `scarce`).
pub(super) fn against_scarce(
    rates: &Rates<'_>,
    a: &Assignment,
    counts: &[i64],
    e: usize,
    scarce: &[f64],
) -> CellCosts {
    let p = rates.p;
    let mut others = counts.to_vec();
    count(rates, &mut others, e, &a.shifts[e], -1);
    let worth: Vec<f64> = p
        .cover
        .iter()
        .zip(&others)
        .enumerate()
        .map(|(i, (c, &k))| {
            if k < i64::from(c.requirement) {
                c.under_weight as f64 + scarce.get(i).copied().unwrap_or(0.0)
            } else {
                -(c.over_weight as f64)
            }
        })
        .collect();
    rates.costs(e, &worth, &vec![None; p.days])
}

/// Gives person `e` the row `row` in `a`, keeping `counts` (the cover counts of `a`) up to date.
pub(super) fn place(
    rates: &Rates<'_>,
    a: &mut Assignment,
    counts: &mut [i64],
    e: usize,
    row: Vec<Option<usize>>,
) {
    count(rates, counts, e, &a.shifts[e], -1);
    count(rates, counts, e, &row, 1);
    a.shifts[e] = row;
}

/// Adds `by` to the count of every cover row person `e`'s `row` counts towards.
fn count(rates: &Rates<'_>, counts: &mut [i64], e: usize, row: &[Option<usize>], by: i64) {
    for i in rates.cover_rows(e, row) {
        counts[i] += by;
    }
}

/// A row's cost under cell costs.
pub(super) fn cost(costs: &CellCosts, row: &[Option<usize>]) -> f64 {
    row.iter()
        .enumerate()
        .map(|(d, x)| x.map_or(costs.off[d], |s| costs.work[d][s]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{ctx, first_rota, problems};
    use super::*;
    use crate::SolveOptions;

    #[test]
    fn a_row_moves_the_objective_by_its_own_cost_and_ends_the_best_for_its_person() {
        let mut moved = 0;
        for p in problems() {
            let o = SolveOptions::default();
            let cx = ctx(&p, &o);
            let rates = Rates::new(&p);
            let mut best = first_rota(&cx);
            let far = cx.deadline;
            for e in 0..p.staff.len() {
                let counts = cover_counts(&p, &best.0);
                let costs = against(&rates, &best.0, &counts, e);
                let (before, old) = (best.1.objective(), cost(&costs, &best.0.shifts[e]));
                improve(&cx, &rates, &mut best, &[e], far).expect("improves");
                // Separable by cell: the rota's objective moved by exactly what the row's
                // cost did against the others.
                let new = cost(&costs, &best.0.shifts[e]);
                assert_eq!(best.1.objective() - before, (new - old).round() as i64);
                assert!(best.1.is_valid());
                moved += usize::from(new < old);
                // No row of that person's is cheaper: the fixtures' labellings never reach
                // the caps, so the re-solve was exact.
                let exact = cheapest(&p, e, &costs, Search::exact(1, far));
                assert!(exact.exact);
                let cheapest_cost = exact.rotas.first().map_or(f64::INFINITY, |r| r.0);
                assert!(
                    cheapest_cost >= new - 1e-6,
                    "person {e}: {cheapest_cost} < {new}"
                );
            }
        }
        assert!(moved > 0, "no first rota had a row to improve");
    }

    #[test]
    fn after_the_passes_no_person_can_improve_the_rota_alone() {
        for p in problems() {
            let o = SolveOptions::default();
            let cx = ctx(&p, &o);
            let mut best = first_rota(&cx);
            let first = best.1.objective();
            reoptimise(&cx, &mut best, &mut SplitMix::new(1), 600.0).expect("re-optimises");
            assert!(best.1.is_valid());
            assert!(best.1.objective() <= first);
            let rates = Rates::new(&p);
            let counts = cover_counts(&p, &best.0);
            let far = cx.deadline;
            for e in 0..p.staff.len() {
                let costs = against(&rates, &best.0, &counts, e);
                let exact = cheapest(&p, e, &costs, Search::exact(1, far));
                let cheapest_cost = exact.rotas.first().map_or(f64::INFINITY, |r| r.0);
                let own = cost(&costs, &best.0.shifts[e]);
                assert!(
                    cheapest_cost >= own - 1e-6,
                    "person {e}: {cheapest_cost} < {own}"
                );
            }
        }
    }
}
