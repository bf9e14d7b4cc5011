//! Large-neighbourhood search: free a window of staff × days, re-solve it with HiGHS
//! warm-started from the incumbent, keep the best valid rota.

use std::time::{Duration, Instant};

use highs::HighsModelStatus;

use super::{Ctx, SolveError, checked, trusted};
use crate::mip::{self, Mode, RunOptions};

/// Node limit of one neighbourhood's search.
const LNS_NODES: i32 = 200;
use crate::model::{Assignment, Problem};
use crate::rng::SplitMix;
use crate::validate::Validation;

/// Large-neighbourhood search for `budget` seconds: frees a window of staff × days, re-solves
/// it warm-started from the incumbent, keeps the result when it is no worse.
pub(super) fn lns(
    cx: &Ctx<'_>,
    best: &mut (Assignment, Validation),
    rng: &mut SplitMix,
    budget: f64,
) -> Result<bool, SolveError> {
    let p = cx.p;
    let stop = Instant::now() + Duration::from_secs_f64(budget.max(0.0));
    let (n, h) = (p.staff.len(), p.days);
    if n == 0 || h == 0 {
        return Ok(false);
    }
    // Target size in free cells; grows when sub-problems solve fast, shrinks when they time out.
    // One size per kind of neighbourhood, since their sub-problems differ in difficulty.
    let mut targets = [(n * h).min(3 * h) as f64; 3];
    let mut iter = 0u64;
    while Instant::now() < stop && !cx.stopped() {
        iter += 1;
        let target = &mut targets[(iter % 3) as usize];
        let free = neighbourhood(p, rng, *target as usize, iter);
        let limit = (stop.saturating_duration_since(Instant::now()).as_secs_f64()).min(2.0);
        let t0 = Instant::now();
        // A neighbourhood needs a better rota, not a proof: a node limit ends long searches.
        let o = RunOptions {
            max_nodes: Some(LNS_NODES),
            ..cx.run_opts(limit)
        };
        let r = mip::build(p, &best.0, &free, Mode::Optimise).run(o, true);
        let took = t0.elapsed().as_secs_f64();
        if r.status == HighsModelStatus::Optimal && took < 0.4 {
            *target = (*target * 1.3).min((n * h) as f64);
        } else if r.status == HighsModelStatus::ReachedTimeLimit {
            *target = (*target * 0.7).max(2.0 * n.min(h) as f64);
        }
        let mip_objective = trusted(&r);
        let whole = free.iter().flatten().all(|&c| c);
        if let Some(a) = r.assignment {
            let v = checked(p, &a, mip_objective)?;
            if whole && mip_objective.is_some() && cx.o.relative_gap == 0.0 {
                // The neighbourhood was the whole rota: this is a proof of optimality.
                *best = (a, v);
                return Ok(true);
            }
            if v.objective() <= best.1.objective() {
                if v.objective() < best.1.objective() {
                    cx.progress(&format!("improved to {}", v.objective()));
                }
                *best = (a, v);
            }
        }
    }
    Ok(false)
}

/// Picks the cells to free: whole rows of a few people, a window of days for everyone, or a
/// window of days for a group of people, in turn.
fn neighbourhood(p: &Problem, rng: &mut SplitMix, target: usize, iter: u64) -> Vec<Vec<bool>> {
    let (n, h) = (p.staff.len(), p.days);
    let mut free = vec![vec![false; h]; n];
    match iter % 3 {
        0 => {
            let k = (target / h).clamp(1, n);
            for e in rng.sample(n, k) {
                free[e] = vec![true; h];
            }
        }
        1 => {
            let len = (target / n).clamp(2.min(h), h);
            let d0 = rng.below(h - len + 1);
            for row in &mut free {
                row[d0..d0 + len].iter_mut().for_each(|c| *c = true);
            }
        }
        _ => {
            let len = (h / 2)
                .clamp(1.min(h), 28.min(h))
                .max((target / n.max(1)).min(h));
            let k = (target / len).clamp(1, n);
            let d0 = rng.below(h - len + 1);
            for e in rng.sample(n, k) {
                free[e][d0..d0 + len].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    free
}
