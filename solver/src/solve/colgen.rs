//! Column generation on the person (Dantzig–Wolfe): a master LP chooses a convex mix of whole
//! rotas per person against the cover rows; each person's cheapest rota under the cover rows'
//! duals ([`super::rosters`]) is the pricing problem. The master LP with exact pricing gives a
//! proven lower bound (the Lagrangian bound, valid at every round), far tighter than HiGHS' root
//! on the compact model; an integer master over every rota generated then gives a rota.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use highs::{Col, ColProblem, HighsModelStatus, Model, Row, Sense};

use super::rosters::{CellCosts, Cheapest, cheapest};
use super::{Ctx, SolveError, checked, proves};
use crate::mip::{configure, has_solution};
use crate::model::{Assignment, Problem};
use crate::validate::{Validation, cover_counts};

/// Rotas added per person and round.
const PER_ROUND: usize = 3;
/// Labels kept per bucket of the labelling: beyond it the pricing is a heuristic (no bound).
const LABEL_CAP: usize = 64;
/// Labels kept per day of the labelling (the cheapest), for the same reason.
const DAY_CAP: usize = 20_000;
/// Relative margin taken off the Lagrangian bound for floating-point error.
const BOUND_TOLERANCE: f64 = 1e-6;
/// Improvement of a column's reduced cost below which it is not worth adding.
const EPS: f64 = 1e-6;
/// Pricing rounds per step of a dive.
const DIVE_ROUNDS: usize = 2;
/// A dive fixes at once everyone whose heaviest rota weighs more than this.
const DIVE_FIX: f64 = 0.5;
/// A dive step fixes at least one in this many of the people still free.
const DIVE_SHARE: usize = 4;
/// Shares of the remaining time for column generation, the dive and the integer master.
const COLGEN_SHARE: f64 = 0.4;
const DIVE_TIME: f64 = 0.5;
const MASTER_TIME: f64 = 0.1;
/// Column generation is given up when its first round takes more than this share of its
/// budget: it could not converge in time.
const FIRST_ROUND_MAX: f64 = 0.125;

/// One person's whole rota, a column of the master.
struct Column {
    staff: usize,
    row: Vec<Option<usize>>,
    cost: f64,
}

/// The master LP, kept between rounds so HiGHS starts from its last basis.
struct Lp {
    /// Taken out while HiGHS solves it.
    model: Option<Model>,
    conv: Vec<Row>,
    cov: Vec<Row>,
    /// The LP's column of each pooled rota.
    cols: Vec<Col>,
    /// The pooled rota each person is fixed to during a dive.
    fixed: Vec<Option<usize>>,
}

/// What one round of column generation found.
struct Round {
    bound: Option<f64>,
    added: usize,
    /// Each pooled rota's weight in the LP solved (rotas added after it have none).
    lambda: Vec<f64>,
}

/// What column generation established.
struct Outcome {
    /// Proven lower bound on the objective, when the pricing was exact.
    bound: Option<f64>,
    /// The first round alone took so long that the rest could not converge in time.
    abandoned: bool,
    /// The last round found no rota worth adding: the LP is as good as the pricing can make it.
    converged: bool,
}

/// Column generation, then a dive for a rota, then the integer master over every rota
/// generated (warm-started from the best), unless the bound already proves the rota optimal.
/// Keeps the best rota in `best`; returns the proven bound, if any.
pub(super) fn search(
    cx: &Ctx<'_>,
    best: &mut (Assignment, Validation),
) -> Result<Option<f64>, SolveError> {
    cx.progress("column generation");
    let mut cg = ColGen::new(cx.p);
    cg.add_rota(&best.0);
    let out = cg.run(cx, best.1.objective(), cx.remaining() * COLGEN_SHARE);
    if out.abandoned {
        cx.progress("column generation: too slow for the time given, left to the search");
        return Ok(None);
    }
    if proves(out.bound, best.1.objective()) {
        return Ok(out.bound);
    }
    // A dive from an LP that has not converged costs more than it gives: its every step
    // would still be pricing the first LP.
    let dived = if out.converged {
        cx.progress("diving for a rota");
        cg.dive(cx, cx.remaining() * DIVE_TIME)
    } else {
        None
    };
    if let Some(a) = dived {
        let v = checked(cx.p, &a, None)?;
        cx.progress(&format!("dive: {}", v.objective()));
        if v.objective() < best.1.objective() {
            *best = (a, v);
        }
    }
    if !proves(out.bound, best.1.objective()) {
        cx.progress("solving the master over the generated rotas");
        cg.integer(cx, best, cx.remaining() * MASTER_TIME)?;
    }
    Ok(out.bound)
}

/// How a person's rota enters the master: its cost and the cover rows it counts towards.
/// Kept apart from the master itself so the pricing threads can share it.
struct Rates<'a> {
    p: &'a Problem,
    /// Cover rows (indices into `p.cover`) that person `e` working `s` on `d` counts towards.
    covers: Vec<Vec<Vec<Vec<usize>>>>,
    /// Request penalty of person `e` working `s` on `d`, less what not working it would cost;
    /// and each person's penalty for working nothing at all.
    request: Vec<Vec<Vec<f64>>>,
    idle: Vec<f64>,
    /// Cells barred by days off, pins and zero limits: `barred[e][d][s]`; `no_rest[e][d]`
    /// when a pin makes person `e` work on day `d`.
    barred: Vec<Vec<Vec<bool>>>,
    no_rest: Vec<Vec<bool>>,
}

/// The columns generated so far and the master they enter.
struct ColGen<'a> {
    p: &'a Problem,
    rates: Rates<'a>,
    pool: Vec<Column>,
    lp: Option<Lp>,
    seen: HashSet<(usize, Vec<Option<usize>>)>,
}

impl Rates<'_> {
    fn entries(&self, c: &Column, conv: &[Row], cov: &[Row]) -> Vec<(Row, f64)> {
        let mut out = vec![(conv[c.staff], 1.0)];
        for (d, x) in c.row.iter().enumerate() {
            if let Some(s) = x {
                out.extend(self.covers[c.staff][d][*s].iter().map(|&i| (cov[i], 1.0)));
            }
        }
        out
    }

    /// Person `e`'s cell costs under duals `pi` of the cover rows.
    fn costs(&self, e: usize, pi: &[f64]) -> CellCosts {
        let p = self.p;
        let work = (0..p.days)
            .map(|d| {
                (0..p.shifts.len())
                    .map(|s| {
                        if self.barred[e][d][s] {
                            f64::INFINITY
                        } else {
                            self.request[e][d][s]
                                - self.covers[e][d][s].iter().map(|&i| pi[i]).sum::<f64>()
                        }
                    })
                    .collect()
            })
            .collect();
        let off = (0..p.days)
            .map(|d| {
                if self.no_rest[e][d] {
                    f64::INFINITY
                } else {
                    0.0
                }
            })
            .collect();
        CellCosts { work, off }
    }
}

impl<'a> ColGen<'a> {
    fn new(p: &'a Problem) -> Self {
        let (n, h, s_count) = (p.staff.len(), p.days, p.shifts.len());
        let mut covers = vec![vec![vec![Vec::new(); s_count]; h]; n];
        for (i, c) in p.cover.iter().enumerate() {
            for (e, st) in p.staff.iter().enumerate() {
                if c.skill.as_ref().is_none_or(|k| st.skills.contains(k)) {
                    covers[e][c.day][c.shift].push(i);
                }
            }
        }
        let mut request = vec![vec![vec![0.0; s_count]; h]; n];
        let mut idle = vec![0.0; n];
        for r in &p.off_requests {
            request[r.staff][r.day][r.shift] += r.weight as f64;
        }
        for r in &p.on_requests {
            request[r.staff][r.day][r.shift] -= r.weight as f64;
            idle[r.staff] += r.weight as f64;
        }
        let mut barred = vec![vec![vec![false; s_count]; h]; n];
        let mut no_rest = vec![vec![false; h]; n];
        for (e, st) in p.staff.iter().enumerate() {
            for row in barred[e].iter_mut() {
                for (s, b) in row.iter_mut().enumerate() {
                    *b = st.contract.max_shifts[s] == 0;
                }
            }
            for &d in &st.days_off {
                barred[e][d].iter_mut().for_each(|b| *b = true);
            }
        }
        for pin in &p.pins {
            let row = &mut barred[pin.staff][pin.day];
            for (s, b) in row.iter_mut().enumerate() {
                *b = *b || pin.shift != Some(s);
            }
            no_rest[pin.staff][pin.day] = pin.shift.is_some();
        }
        Self {
            p,
            rates: Rates {
                p,
                covers,
                request,
                idle,
                barred,
                no_rest,
            },
            pool: Vec::new(),
            lp: None,
            seen: HashSet::new(),
        }
    }

    /// Adds person `e`'s rota `row` as a column unless it is there already; returns its index.
    fn add(&mut self, e: usize, row: &[Option<usize>]) -> Option<usize> {
        if !self.seen.insert((e, row.to_vec())) {
            return None;
        }
        let cost = self.rates.idle[e]
            + row
                .iter()
                .enumerate()
                .filter_map(|(d, x)| x.map(|s| self.rates.request[e][d][s]))
                .sum::<f64>();
        self.pool.push(Column {
            staff: e,
            row: row.to_vec(),
            cost,
        });
        Some(self.pool.len() - 1)
    }

    /// Adds every row of a rota.
    fn add_rota(&mut self, a: &Assignment) {
        for (e, row) in a.shifts.iter().enumerate() {
            self.add(e, row);
        }
    }

    /// The master's rows and slack columns; the rotas are added by the caller.
    fn master(&self) -> Option<(Model, Vec<Row>, Vec<Row>)> {
        let p = self.p;
        let mut cp = ColProblem::default();
        let conv: Vec<Row> = p.staff.iter().map(|_| cp.add_row(1.0..=1.0)).collect();
        let cov: Vec<Row> = p
            .cover
            .iter()
            .map(|c| {
                let r = f64::from(c.requirement);
                cp.add_row(r..=r)
            })
            .collect();
        for (i, c) in p.cover.iter().enumerate() {
            cp.add_column(c.under_weight as f64, 0.0.., [(cov[i], 1.0)]);
            cp.add_column(c.over_weight as f64, 0.0.., [(cov[i], -1.0)]);
        }
        // HiGHS rejects only NaN data, which a checked problem cannot hold.
        let mut m = Model::try_new(cp).ok()?;
        m.set_sense(Sense::Minimise);
        m.make_quiet();
        Some((m, conv, cov))
    }

    /// Builds the master LP over the pool, once.
    fn lp(&mut self) -> Option<&mut Lp> {
        if self.lp.is_none() {
            let (mut model, conv, cov) = self.master()?;
            let mut cols = Vec::with_capacity(self.pool.len());
            for c in &self.pool {
                let entries = self.rates.entries(c, &conv, &cov);
                cols.push(model.try_add_column(c.cost, 0.0..=1.0, entries).ok()?);
            }
            self.lp = Some(Lp {
                model: Some(model),
                conv,
                cov,
                cols,
                fixed: vec![None; self.p.staff.len()],
            });
        }
        self.lp.as_mut()
    }

    /// One round: solve the master LP, price every person not fixed, add the rotas with a
    /// negative reduced cost. None when the LP could not be solved.
    fn round(&mut self, cx: &Ctx<'_>, left: f64) -> Option<Round> {
        let threads = cx.o.threads.clamp(1, 8) as usize;
        let skip = 2 * self.p.cover.len();
        let staff = self.p.staff.len();
        let lp = self.lp()?;
        let model = lp.model.take()?;
        // No time limit on the LP: HiGHS counts it from the model's creation, across solves,
        // and the master's LPs take milliseconds; the pricing below keeps the deadline.
        let solved = model.try_solve().ok()?;
        let optimal = solved.status() == HighsModelStatus::Optimal;
        let value = solved.objective_value();
        let sol = solved.get_solution();
        lp.model = Some(Model::from(solved));
        if !optimal {
            return None;
        }
        let fixed: Vec<bool> = lp.fixed.iter().map(Option::is_some).collect();
        let any_fixed = fixed.iter().any(|&f| f);
        let duals = sol.dual_rows();
        let (mu, pi) = duals.split_at(staff);
        let stop = Instant::now() + Duration::from_secs_f64(left.max(0.0));
        let priced = self.price(pi, threads, &fixed, stop);
        // Lagrangian bound: each person's convexity row caps their share at one rota. Valid
        // only for the master without fixings, and only when every pricing was exact.
        // Less a hair for the LP's floating-point error: the bound is rounded up to an
        // integer to prove optimality, and 1716.000001 would round to 1717.
        let bound = (!any_fixed && priced.iter().all(|c| c.exact)).then(|| {
            let lagrange = value
                + priced
                    .iter()
                    .enumerate()
                    .map(|(e, c)| {
                        c.rotas
                            .first()
                            .map_or(0.0, |(c, _)| (c + self.rates.idle[e] - mu[e]).min(0.0))
                    })
                    .sum::<f64>();
            lagrange - BOUND_TOLERANCE * lagrange.abs().max(1.0)
        });
        let mut added = 0;
        for (e, found) in priced.into_iter().enumerate() {
            for (c, row) in found.rotas {
                if c + self.rates.idle[e] - mu[e] >= -EPS {
                    break;
                }
                let Some(j) = self.add(e, &row) else { continue };
                let lp = self.lp.as_mut()?;
                let entries = self.rates.entries(&self.pool[j], &lp.conv, &lp.cov);
                let model = lp.model.as_mut()?;
                let col = model
                    .try_add_column(self.pool[j].cost, 0.0..=1.0, entries)
                    .ok()?;
                lp.cols.push(col);
                added += 1;
            }
        }
        cx.progress(&format!(
            "column generation: LP {value:.1}, bound {}, {added} new rotas",
            bound.map_or("none".into(), |b| format!("{b:.1}"))
        ));
        let lambda = sol.columns().get(skip..).unwrap_or_default().to_vec();
        Some(Round {
            bound,
            added,
            lambda,
        })
    }

    /// Column generation until the master LP is optimal over all rotas, the bound proves the
    /// incumbent optimal, or `budget` seconds pass.
    fn run(&mut self, cx: &Ctx<'_>, incumbent: i64, budget: f64) -> Outcome {
        let stop = Instant::now() + Duration::from_secs_f64(budget.max(0.0));
        let mut bound: Option<f64> = None;
        let begun = Instant::now();
        let mut first = true;
        let mut converged = false;
        while Instant::now() < stop && !cx.stopped() {
            let mut left = stop.saturating_duration_since(Instant::now()).as_secs_f64();
            if first {
                left = left.min(budget * FIRST_ROUND_MAX);
            }
            let Some(r) = self.round(cx, left) else {
                break;
            };
            if std::mem::take(&mut first)
                && begun.elapsed().as_secs_f64() > budget * FIRST_ROUND_MAX
            {
                return Outcome {
                    bound: None,
                    abandoned: true,
                    converged: false,
                };
            }
            if let Some(b) = r.bound {
                bound = Some(bound.map_or(b, |x: f64| x.max(b)));
            }
            if r.added == 0 || proves(bound, incumbent) {
                converged = true;
                break;
            }
        }
        Outcome {
            bound,
            abandoned: false,
            converged,
        }
    }

    /// Price-and-dive: fixes people to the rotas the master LP gives most weight (everyone
    /// with a rota of weight above one half, and at least a quarter of those still free), prices
    /// the others again, and repeats until everyone is fixed. Ends with a rota, or None when
    /// the time ran out first. (The LP stays feasible throughout: cover rows have slacks.) The
    /// fixings stay: the master LP is not used after a dive.
    fn dive(&mut self, cx: &Ctx<'_>, budget: f64) -> Option<Assignment> {
        let stop = Instant::now() + Duration::from_secs_f64(budget.max(0.0));
        let staff = self.p.staff.len();
        loop {
            if Instant::now() >= stop || cx.stopped() {
                return None;
            }
            // Re-price until the LP of the current fixings is optimal over all rotas (or a
            // few rounds have passed: the dive needs direction, not proof).
            let mut lambda = Vec::new();
            for _ in 0..DIVE_ROUNDS {
                let left = stop.saturating_duration_since(Instant::now()).as_secs_f64();
                let r = self.round(cx, left)?;
                lambda = r.lambda;
                if r.added == 0 {
                    break;
                }
            }
            let lp = self.lp.as_mut()?;
            let mut heaviest: Vec<Option<(f64, usize)>> = vec![None; staff];
            for (j, &x) in lambda.iter().enumerate() {
                let e = self.pool[j].staff;
                if lp.fixed[e].is_none() && heaviest[e].is_none_or(|(y, _)| x > y) {
                    heaviest[e] = Some((x, j));
                }
            }
            let mut chosen: Vec<(usize, usize)> = heaviest
                .iter()
                .enumerate()
                .filter_map(|(e, h)| h.filter(|(x, _)| *x > DIVE_FIX).map(|(_, j)| (e, j)))
                .collect();
            // At least a quarter of the people still free are fixed per step, heaviest first.
            let free = heaviest.iter().flatten().count();
            let want = (free / DIVE_SHARE).max(1);
            if chosen.len() < want {
                let mut rest: Vec<(f64, usize, usize)> = heaviest
                    .iter()
                    .enumerate()
                    .filter_map(|(e, h)| h.map(|(x, j)| (x, e, j)))
                    .filter(|&(x, _, _)| x <= DIVE_FIX)
                    .collect();
                rest.sort_by(|a, b| b.0.total_cmp(&a.0));
                let more = want - chosen.len();
                chosen.extend(rest.into_iter().take(more).map(|(_, e, j)| (e, j)));
            }
            if chosen.is_empty() {
                break;
            }
            let model = lp.model.as_mut()?;
            // The column belongs to this model and [1, 1] are valid bounds: HiGHS cannot refuse.
            for (e, j) in chosen {
                model.change_column_bounds(lp.cols[j], 1.0..=1.0);
                lp.fixed[e] = Some(j);
            }
            if lp.fixed.iter().all(Option::is_some) {
                break;
            }
        }
        let lp = self.lp.as_mut()?;
        let mut a = Assignment::empty(self.p);
        for (e, j) in lp.fixed.iter().enumerate() {
            a.shifts[e] = self.pool[(*j)?].row.clone();
        }
        Some(a)
    }

    /// Each person's cheapest rotas under the duals, priced on `threads` threads; people
    /// fixed by a dive are not priced.
    fn price(&self, pi: &[f64], threads: usize, fixed: &[bool], stop: Instant) -> Vec<Cheapest> {
        let n = self.p.staff.len();
        let mut out: Vec<Option<Cheapest>> = (0..n).map(|_| None).collect();
        let rates = &self.rates;
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    scope.spawn(move || {
                        (t..n)
                            .step_by(threads)
                            .filter(|&e| !fixed[e])
                            .map(|e| {
                                let costs = rates.costs(e, pi);
                                (
                                    e,
                                    cheapest(
                                        rates.p, e, &costs, PER_ROUND, LABEL_CAP, DAY_CAP, stop,
                                    ),
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                if let Ok(list) = h.join() {
                    for (e, c) in list {
                        out[e] = Some(c);
                    }
                }
            }
        });
        // A person left unpriced (fixed, or a pricing thread that panicked) adds no rota; only
        // a fixed one keeps the pricing exact.
        out.into_iter()
            .enumerate()
            .map(|(e, x)| {
                x.unwrap_or(Cheapest {
                    rotas: Vec::new(),
                    exact: fixed[e],
                })
            })
            .collect()
    }

    /// The integer master over every pooled rota, warm-started from `best`; keeps a better
    /// rota when it finds one.
    fn integer(
        &self,
        cx: &Ctx<'_>,
        best: &mut (Assignment, Validation),
        limit: f64,
    ) -> Result<bool, SolveError> {
        let p = self.p;
        let Some((mut model, conv, cov)) = self.master() else {
            return Ok(false);
        };
        for c in &self.pool {
            let entries = self.rates.entries(c, &conv, &cov);
            if model
                .try_add_column_with_integrality(c.cost, 0.0..=1.0, entries, true)
                .is_err()
            {
                return Ok(false);
            }
        }
        configure(&mut model, cx.run_opts(limit));
        let mut start = Vec::with_capacity(2 * p.cover.len() + self.pool.len());
        let counts = cover_counts(p, &best.0);
        for (i, c) in p.cover.iter().enumerate() {
            let r = i64::from(c.requirement);
            start.push((r - counts[i]).max(0) as f64);
            start.push((counts[i] - r).max(0) as f64);
        }
        start.extend(
            self.pool
                .iter()
                .map(|c| f64::from(u8::from(best.0.shifts[c.staff] == c.row))),
        );
        let _ = model.try_set_solution(Some(&start), None, None, None);
        let Ok(solved) = model.try_solve() else {
            return Ok(false);
        };
        if !has_solution(&solved) {
            return Ok(false);
        }
        let cols = solved.get_solution().columns().to_vec();
        let mut a = Assignment::empty(p);
        for (j, c) in self.pool.iter().enumerate() {
            if cols.get(2 * p.cover.len() + j).copied().unwrap_or(0.0) > 0.5 {
                a.shifts[c.staff] = c.row.clone();
            }
        }
        let v = checked(p, &a, None)?;
        let improved = v.objective() < best.1.objective();
        if improved {
            cx.progress(&format!("improved to {}", v.objective()));
            *best = (a, v);
        }
        Ok(improved)
    }
}
