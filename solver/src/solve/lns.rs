//! Large-neighbourhood search: free a window of staff × days, re-solve it with HiGHS
//! warm-started from the incumbent, keep the best valid rota; when that stalls, free every
//! weekend for everyone at once ([`weekends`]).

use std::time::{Duration, Instant};

mod choice;
mod weekends;

use highs::HighsModelStatus;

use super::colgen::Guide;
use super::{Ctx, SolveError, checked, keep_found, trusted};
use crate::mip::{self, Mode, RunOptions};
use crate::model::{Assignment, Problem};
use crate::rng::SplitMix;
use crate::validate::Validation;
use choice::Choice;

/// Node limit of one neighbourhood's search.
const LNS_NODES: i32 = 200;
/// Seconds one neighbourhood may take. Measured on Instance8: a short limit finds more
/// improvements per second than a long one (HiGHS spends long limits on root cuts).
const LNS_SECS: f64 = 0.3;
/// Kinds of neighbourhood, drawn by what each has gained ([`choice`]); the last only with a
/// guide from the master LP.
const KINDS: u64 = 4;
/// The weekend neighbourhood ([`weekends`]) is one large sub-MIP, tried once the search has
/// gone `WEEKEND_STALL` seconds without a gain (after a try that found nothing, twice as
/// long, and at least twice as long as that try took), for at most `WEEKEND_SECS` seconds or
/// half the time left, on at most about `WEEKEND_CELLS` cells. On four Instance8 rotas stuck
/// one uncovered slot above the optimum (1,402–1,497), it found 1,312–1,318 in 1–8 s on one
/// thread, with all 30 people's 15 days free; 20 people's were not enough, and neither were
/// windows of up to 14 days for everyone or whole rows of up to 12 people in 10 s.
const WEEKEND_STALL: f64 = 2.0;
const WEEKEND_SECS: f64 = 8.0;
const WEEKEND_CELLS: usize = 600;

/// Large-neighbourhood search for `budget` seconds: frees windows of staff × days, re-solves
/// them warm-started from the incumbent, keeps the best result when it is no worse. Stops
/// early, returning true, when the rota reaches the proven lower bound `bound` (or comes
/// within the relative gap asked for). With several threads, as many neighbourhoods are
/// solved at once (one HiGHS thread each): small sub-MIPs gain little from HiGHS' own
/// threads, and more of them are what the search needs. Which kind each neighbourhood is
/// follows what each kind has gained per second ([`choice`]). Given column generation's
/// `guide`, one kind frees where the rota parts from it ([`disputed`]): Instance8
/// (60 s, beside a build) ended within 2 % of its optimum in 11 of 14 runs (1,302–1,320)
/// with them, against 3 of 6 without; the rest end one uncovered slot higher, near 1,400.
pub(super) fn lns(
    cx: &Ctx<'_>,
    best: &mut (Assignment, Validation),
    rng: &mut SplitMix,
    budget: f64,
    bound: Option<f64>,
    guide: Option<&Guide>,
) -> Result<bool, SolveError> {
    let p = cx.p;
    let stop = Instant::now() + Duration::from_secs_f64(budget.max(0.0));
    let (n, h) = (p.staff.len(), p.days);
    if n == 0 || h == 0 {
        return Ok(false);
    }
    let parallel = cx.o.threads.clamp(1, 4) as u64;
    // Target size in free cells; grows when sub-problems solve fast, shrinks when they time out.
    // One size per kind of neighbourhood, since their sub-problems differ in difficulty.
    let mut targets = [(n * h).min(3 * h) as f64; KINDS as usize];
    let kinds = if guide.is_some() { KINDS } else { KINDS - 1 };
    let mut choice = Choice::new(kinds as usize);
    let mut weekend = Weekend::new(p);
    while Instant::now() < stop && !cx.stopped() {
        if cx.enough(bound, best.1.objective()) {
            return Ok(true);
        }
        if weekend.due() {
            weekend.search(cx, best, rng, stop)?;
            continue;
        }
        let before = best.1.objective();
        let limit = stop
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
            .min(LNS_SECS);
        // A neighbourhood needs a better rota, not a proof: a node limit ends long searches.
        let o = RunOptions {
            max_nodes: Some(LNS_NODES),
            threads: 1,
            ..cx.run_opts(limit)
        };
        let batch: Vec<(u64, Vec<Vec<bool>>)> = (0..parallel)
            .map(|_| {
                let kind = choice.pick(rng) as u64;
                let target = targets[kind as usize] as usize;
                let free = match guide {
                    Some(g) if kind == KINDS - 1 => disputed(g, &best.0, rng, target),
                    _ => neighbourhood(p, rng, target, kind, &best.1.explanation.by_day),
                };
                (kind, free)
            })
            .collect();
        let base = &best.0;
        let results: Vec<Option<(mip::RunResult, f64)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|(_, free)| {
                    scope.spawn(move || {
                        let t0 = Instant::now();
                        let r = mip::build(p, base, free, Mode::Optimise).run(o, true);
                        (r, t0.elapsed().as_secs_f64())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().ok()).collect()
        });
        let mut winner: Option<(Assignment, Validation)> = None;
        for ((kind, free), result) in batch.iter().zip(results) {
            // A sub-MIP that panicked inside HiGHS' bindings loses only its neighbourhood.
            let Some((r, took)) = result else { continue };
            let target = &mut targets[*kind as usize];
            if r.status == HighsModelStatus::Optimal && took < LNS_SECS * 0.5 {
                *target = (*target * 1.3).min((n * h) as f64);
            } else if r.status == HighsModelStatus::ReachedTimeLimit {
                *target = (*target * 0.7).max(2.0 * n.min(h) as f64);
            }
            let mip_objective = trusted(&r);
            let whole = free.iter().flatten().all(|&c| c);
            let Some(a) = r.assignment else {
                choice.credit(*kind as usize, 0.0, took);
                continue;
            };
            let v = checked(p, &a, mip_objective)?;
            choice.credit(*kind as usize, (before - v.objective()) as f64, took);
            if whole && mip_objective.is_some() && cx.o.relative_gap == 0.0 {
                // The neighbourhood was the whole rota: this is a proof of optimality.
                cx.keep(best, a, v);
                return Ok(true);
            }
            let bar = winner
                .as_ref()
                .map_or(best.1.objective(), |w| w.1.objective());
            if v.objective() <= bar {
                winner = Some((a, v));
            }
        }
        if let Some((a, v)) = winner {
            // A rota as good as the best is taken too: it moves the search along a plateau.
            if v.objective() == best.1.objective() {
                *best = (a, v);
            } else {
                cx.keep(best, a, v);
            }
        }
        if best.1.objective() < before {
            weekend.gained();
        }
    }
    Ok(false)
}

/// When the weekend neighbourhood is tried (see [`WEEKEND_STALL`]).
struct Weekend {
    /// Whether the problem limits anyone's weekends.
    on: bool,
    /// Since when the search has not gained; the seconds without a gain that call a try.
    since: Instant,
    stall: f64,
    /// Tries so far: each gets its own HiGHS seed, since a rota tried again may be unchanged.
    tries: u32,
}

impl Weekend {
    fn new(p: &Problem) -> Self {
        Self {
            on: weekends::limited(p),
            since: Instant::now(),
            stall: WEEKEND_STALL,
            tries: 0,
        }
    }

    fn due(&self) -> bool {
        self.on && self.since.elapsed().as_secs_f64() >= self.stall
    }

    fn gained(&mut self) {
        self.since = Instant::now();
        self.stall = WEEKEND_STALL;
    }

    /// One try, warm-started from the best rota, which it replaces when it finds a better one.
    fn search(
        &mut self,
        cx: &Ctx<'_>,
        best: &mut (Assignment, Validation),
        rng: &mut SplitMix,
        stop: Instant,
    ) -> Result<(), SolveError> {
        let p = cx.p;
        let left = stop.saturating_duration_since(Instant::now()).as_secs_f64();
        let free = weekends::weekends(p, rng, WEEKEND_CELLS);
        cx.progress("searching the weekends together");
        self.tries += 1;
        let base = cx.run_opts(WEEKEND_SECS.min(left / 2.0));
        let o = RunOptions {
            seed: base.seed.wrapping_add(self.tries) & 0x7fff_ffff,
            ..base
        };
        let t0 = Instant::now();
        let r = mip::build(p, &best.0, &free, Mode::Optimise).run(o, true);
        let took = t0.elapsed().as_secs_f64();
        if keep_found(cx, best, r)? {
            self.gained();
        } else {
            // Fruitless tries take at most a third of the search's time, and fewer and fewer.
            self.since = Instant::now();
            self.stall = (2.0 * self.stall).max(2.0 * took);
        }
        Ok(())
    }
}

/// Picks the cells to free, by `kind`: whole rows of a few people, a window of days for
/// everyone, or a window of days for a group of people. Windows mostly cover a day that costs
/// something (`heat`: penalty per day), since only there can a window improve the rota.
fn neighbourhood(
    p: &Problem,
    rng: &mut SplitMix,
    target: usize,
    kind: u64,
    heat: &[i64],
) -> Vec<Vec<bool>> {
    let (n, h) = (p.staff.len(), p.days);
    let mut free = vec![vec![false; h]; n];
    match kind {
        0 => {
            let k = (target / h).clamp(1, n);
            for e in rng.sample(n, k) {
                free[e] = vec![true; h];
            }
        }
        1 => {
            let len = (target / n).clamp(2.min(h), h);
            let d0 = window_start(rng, h, len, heat);
            for row in &mut free {
                row[d0..d0 + len].iter_mut().for_each(|c| *c = true);
            }
        }
        _ => {
            let len = (h / 2)
                .clamp(1.min(h), 28.min(h))
                .max((target / n.max(1)).min(h));
            let k = (target / len).clamp(1, n);
            let d0 = window_start(rng, h, len, heat);
            for e in rng.sample(n, k) {
                free[e][d0..d0 + len].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    free
}

/// The cells where the rota parts from what the master LP settled on (or where the LP
/// hesitates), about `target` of them: those of people drawn in turn, or of a window of days
/// grown from a random one, alternately. Relaxation-induced neighbourhoods (RINS, Danna,
/// Rothberg & Le Pape 2005): the LP's whole cells are seldom wrong, so the rota's mistakes lie
/// among the others.
fn disputed(g: &Guide, a: &Assignment, rng: &mut SplitMix, target: usize) -> Vec<Vec<bool>> {
    let (n, h) = (a.shifts.len(), a.shifts.first().map_or(0, Vec::len));
    let open: Vec<Vec<bool>> = g
        .cells
        .iter()
        .zip(&a.shifts)
        .map(|(lp, row)| lp.iter().zip(row).map(|(x, y)| *x != Some(*y)).collect())
        .collect();
    let mut free = vec![vec![false; h]; n];
    let mut count = 0;
    if rng.below(2) == 0 {
        for e in rng.sample(n, n) {
            if count >= target {
                break;
            }
            free[e].clone_from(&open[e]);
            count += open[e].iter().filter(|&&x| x).count();
        }
    } else if h > 0 {
        let d0 = rng.below(h);
        for k in 0..h {
            if count >= target {
                break;
            }
            let d = (d0 + k) % h;
            for e in 0..n {
                free[e][d] = open[e][d];
                count += usize::from(open[e][d]);
            }
        }
    }
    free
}

/// First day of a window of `len` days: three times in four around a day drawn with
/// probability proportional to its penalty, else anywhere.
fn window_start(rng: &mut SplitMix, h: usize, len: usize, heat: &[i64]) -> usize {
    let total: i64 = heat.iter().map(|&x| x.max(0)).sum();
    if total <= 0 || rng.below(4) == 0 {
        return rng.below(h - len + 1);
    }
    let mut pick = (rng.next() % total as u64) as i64;
    let hot = heat
        .iter()
        .position(|&x| {
            pick -= x.max(0);
            pick < 0
        })
        .unwrap_or(0);
    hot.saturating_sub(rng.below(len)).min(h - len)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{ctx, first_rota, problems};
    use super::*;
    use crate::SolveOptions;

    #[test]
    fn the_search_stops_at_once_when_the_bound_is_within_the_gap_asked_for() {
        for p in problems() {
            let exact = SolveOptions::default();
            let loose = SolveOptions {
                relative_gap: 0.5,
                ..SolveOptions::default()
            };
            let (first, v) = first_rota(&ctx(&p, &exact));
            let objective = v.objective();
            // A bound 40 % below the rota: within a gap of 50 %, not a proof.
            let bound = Some(objective as f64 * 0.6);
            let mut rng = SplitMix::new(0);
            let mut best = (first.clone(), v);
            let stopped = lns(&ctx(&p, &loose), &mut best, &mut rng, 600.0, bound, None);
            assert!(stopped.expect("searches"), "the gap was met at once");
            assert_eq!(best.0, first, "nothing was searched");
            assert!(
                !ctx(&p, &exact).enough(bound, objective),
                "only the gap was met"
            );
        }
    }

    #[test]
    fn the_weekend_try_moves_a_weekend_from_one_person_to_another() {
        // Two people who may each work one weekend of two, both on the first: the second
        // weekend's cover is short until one of them moves there.
        let mut text = String::from("SECTION_HORIZON\n14\n\nSECTION_SHIFTS\nD,480,\n\n");
        text.push_str("SECTION_STAFF\nA,D=14,6720,0,14,1,1,1\nB,D=14,6720,0,14,1,1,1\n\n");
        text.push_str("SECTION_COVER\n");
        for d in 0..14 {
            let wanted = u8::from(matches!(d % 7, 5 | 6));
            text.push_str(&format!("{d},D,{wanted},100,1\n"));
        }
        let p = crate::curtois::parse(&text).expect("parses");
        let mut stuck = Assignment::empty(&p);
        for row in &mut stuck.shifts {
            row[5] = Some(0);
            row[6] = Some(0);
        }
        let v = crate::validate::validate(&p, &stuck);
        assert!(v.is_valid());
        assert_eq!(v.objective(), 202, "two over, two short");
        let o = SolveOptions::default();
        let cx = ctx(&p, &o);
        let mut weekend = Weekend::new(&p);
        assert!(weekend.on, "each may work one weekend of two");
        let mut best = (stuck, v);
        let stop = Instant::now() + Duration::from_secs(600);
        weekend
            .search(&cx, &mut best, &mut SplitMix::new(0), stop)
            .expect("searches");
        assert_eq!(best.1.objective(), 0);
        assert_eq!(
            weekend.stall, WEEKEND_STALL,
            "a gain calls the next try as soon"
        );
        // Nothing left to gain: the next try waits twice as long.
        weekend
            .search(&cx, &mut best, &mut SplitMix::new(0), stop)
            .expect("searches");
        assert_eq!(weekend.stall, 2.0 * WEEKEND_STALL);
    }

    #[test]
    fn a_disputed_neighbourhood_frees_only_cells_where_the_rota_parts_from_the_guide() {
        let mut rng = SplitMix::new(3);
        for p in problems() {
            let (a, _) = first_rota(&ctx(&p, &SolveOptions::default()));
            let (n, h) = (p.staff.len(), p.days);
            let agreed = Guide {
                cells: a
                    .shifts
                    .iter()
                    .map(|r| r.iter().map(|&x| Some(x)).collect())
                    .collect(),
            };
            for _ in 0..20 {
                let target = 1 + rng.below(n * h / 4);
                let free = disputed(&agreed, &a, &mut rng, target);
                assert!(free.iter().flatten().all(|&c| !c), "nothing is disputed");
            }
            // Some cells where the LP hesitates, some where it settled on something else.
            let mut g = Guide {
                cells: agreed.cells.clone(),
            };
            let mut open = vec![vec![false; h]; n];
            for _ in 0..n * h / 5 {
                let (e, d) = (rng.below(n), rng.below(h));
                g.cells[e][d] = match rng.below(2) {
                    0 => None,
                    _ => Some(match a.shifts[e][d] {
                        Some(_) => None,
                        None => Some(0),
                    }),
                };
                open[e][d] = true;
            }
            let total = open.iter().flatten().filter(|&&c| c).count();
            for _ in 0..20 {
                let target = 1 + rng.below(total + 10);
                let free = disputed(&g, &a, &mut rng, target);
                let count = free.iter().flatten().filter(|&&c| c).count();
                for (f, o) in free.iter().flatten().zip(open.iter().flatten()) {
                    assert!(!f || *o, "a cell the rota shares with the LP was freed");
                }
                assert!(
                    count >= target.min(total),
                    "{count} freed of {total}, target {target}"
                );
            }
        }
    }
}
