//! Solving: per-person construction, column generation (bound and a first good rota), a
//! warm-started monolithic MIP when the model is small enough, and a large-neighbourhood
//! search (re-optimising staff × day windows with HiGHS) that keeps the best valid rota found.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use highs::HighsModelStatus;
use serde::{Deserialize, Serialize};

mod colgen;
mod construct;
mod lns;
mod rates;
mod rosters;
mod rows;

use crate::explain::InfeasibilityExplanation;
use crate::infeasible::explain_infeasible;
use crate::mip::{self, Mode, RunOptions};
use crate::model::{Assignment, ModelError, Problem};
use crate::rng::SplitMix;
use crate::validate::{Validation, validate};
use construct::{Construction, construct};
use lns::lns;

/// Reports progress as (fraction of the time budget used, 0..1; what is happening).
pub type ProgressFn = Arc<dyn Fn(f64, &str) + Send + Sync>;

/// How to solve.
#[derive(Clone)]
pub struct SolveOptions {
    /// Wall-clock budget. HiGHS' own limit is soft, so the solver stops starting new work at
    /// the deadline; one HiGHS run may overrun it by a little.
    pub time_limit: Duration,
    /// Stop once a proven bound puts the rota within this share of the optimum:
    /// (objective − bound) / objective at most this. The status is then Feasible with that
    /// bound and gap (Optimal only when the bound meets the objective); 0 proves optimality.
    pub relative_gap: f64,
    /// Threads HiGHS may use.
    pub threads: u32,
    /// Seed for HiGHS and the neighbourhood search; same input and options give the same rota
    /// when the run ends by optimality rather than by the time limit.
    pub seed: u64,
    /// Set to true to stop early; the best rota so far is kept.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called now and then with progress.
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for SolveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SolveOptions")
            .field("time_limit", &self.time_limit)
            .field("relative_gap", &self.relative_gap)
            .field("threads", &self.threads)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(60),
            relative_gap: 0.0,
            threads: 1,
            seed: 0,
            cancel: None,
            progress: None,
        }
    }
}

/// How a solve ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    /// The rota is proven optimal.
    Optimal,
    /// A valid rota, not proven optimal; `bound` is the best proven lower bound, if any.
    Feasible {
        /// Proven lower bound on the objective, when known.
        bound: Option<f64>,
        /// (objective − bound) / objective, when the bound is known.
        gap: Option<f64>,
    },
    /// No rota exists; the explanation names the rules and people in conflict.
    Infeasible {
        /// The rules and people in conflict.
        explanation: InfeasibilityExplanation,
    },
    /// The time ran out (or the run was cancelled) before any rota was found.
    TimedOut,
}

/// The outcome of [`solve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// How the solve ended.
    pub status: Status,
    /// The best rota found, if any; always valid.
    pub assignment: Option<Assignment>,
    /// The validator's verdict and breakdown of `assignment`.
    pub validation: Option<Validation>,
    /// Wall-clock seconds used.
    pub seconds: f64,
}

impl Solution {
    /// Objective of the rota, if there is one.
    pub fn objective(&self) -> Option<i64> {
        self.validation.as_ref().map(Validation::objective)
    }

    /// Proven lower bound, if known.
    pub fn bound(&self) -> Option<f64> {
        match &self.status {
            Status::Optimal => self.objective().map(|o| o as f64),
            Status::Feasible { bound, .. } => *bound,
            _ => None,
        }
    }
}

/// Why [`solve`] could not give an answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The problem's data do not fit together.
    #[error(transparent)]
    InvalidProblem(#[from] ModelError),
    /// The MIP and the validator disagree: a bug in one of them.
    #[error("internal error: the solver's rota fails validation ({0})")]
    ValidatorMismatch(String),
}

/// Models with at most this many assignment binaries are also solved whole.
const MONOLITHIC_MAX: usize = 2_000;
/// Models up to this many assignment binaries go to the whole model at once.
const MONOLITHIC_FIRST: usize = 1_000;
/// Larger models up to this many assignment binaries end with a whole-model run that gives a
/// proven bound (and may still improve the rota); beyond it the model's size alone would take
/// gigabytes and the LP more than the time left.
const BOUND_MAX: usize = 20_000;
/// Share of the time budget kept for that closing run, and its cap in seconds.
const BOUND_SHARE: f64 = 0.15;
const BOUND_SECS: f64 = 20.0;
/// Share of the time left that whole rows may be re-optimised for, on horizons too long for
/// column generation.
const ROWS_SHARE: f64 = 0.1;

/// Column generation runs on horizons up to twelve weeks and below 250 shift types (the
/// labelling keeps a shift in a byte). Beyond twelve weeks one person's labels outgrow what a
/// pricing round can afford. Measured at 60 s a run beside a build:
/// - Instance18 (twelve weeks) ended at 4,562 and 4,672 with it (seeds 0 and 1), against
///   5,682 without (seed 1); Instance19 at 3,466 and 3,448, against 5,234 and 4,832. The best
///   known are 4,459 and 3,149.
/// - Instance20 (26 weeks, 50 people): its rounds added 26–99 of the 150 rotas a round can,
///   its LP stayed above 16,500 against a best known of 4,943, and the rota ended at 7,453 and
///   12,356 against 6,518 without.
/// - Instance21–23 (26 and 52 weeks) ended at 64,635, 244,795 and 470,303 with it, against
///   53,695, 193,698 and 400,647 without.
const COLGEN_MAX_DAYS: usize = 84;
const COLGEN_MAX_SHIFTS: usize = 250;

/// Longer horizons get column generation on windows of whole weeks, one after another, every
/// cell outside the window held: windows of about `WINDOW_CELLS` (people × shift types ×
/// days: Instance19's size, where column generation pays), at most `COLGEN_MAX_DAYS` long,
/// for `WINDOWS_SHARE` of the time left. Measured at 60 s a run, seeds 0 and 1, against the
/// same build without windows, with half the time left for them:
/// - Instance20 (56-day windows): 5,785 and 5,465 against 6,068 and 5,866.
/// - Instance22 (28-day windows): 132,033 and 64,926 against 194,703 and 116,495.
///
/// Four fifths of it against half, seeds 0–2: Instance20 5,406, 5,405 and 5,501 against 5,301,
/// 5,498 and 5,651; Instance22 67,807, 70,375 and 69,269 against 97,626, 88,458 and 78,822.
///
/// Shorter windows did worse, so none shorter than `WINDOW_MIN_DAYS` is tried:
/// - Instance21 (21-day windows): 51,842 and 45,221 against 57,672 and 32,252.
/// - Instance23 and 24 (7-day windows), seed 0: 765,692 and 1,214,222 against 316,631 and
///   808,687.
const WINDOW_CELLS: usize = 16_800;
const WINDOW_MIN_DAYS: usize = 28;
const WINDOWS_SHARE: f64 = 0.8;

/// The days of a column generation window for `staff` people, `shifts` shift types and a
/// horizon of `horizon` days, whole weeks; None when the horizon is short enough for column
/// generation on the whole of it, or a window would be shorter than `WINDOW_MIN_DAYS`.
fn window_days(staff: usize, shifts: usize, horizon: usize) -> Option<usize> {
    let per_day = (staff * shifts).max(1);
    let days = (WINDOW_CELLS / per_day / 7 * 7).min(COLGEN_MAX_DAYS);
    (horizon > COLGEN_MAX_DAYS && shifts < COLGEN_MAX_SHIFTS && days >= WINDOW_MIN_DAYS)
        .then_some(days)
}

struct Ctx<'a> {
    p: &'a Problem,
    o: &'a SolveOptions,
    start: Instant,
    deadline: Instant,
}

impl Ctx<'_> {
    fn remaining(&self) -> f64 {
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
    }
    fn stopped(&self) -> bool {
        self.remaining() <= 0.0
            || self
                .o
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
    }
    fn progress(&self, msg: &str) {
        if let Some(f) = &self.o.progress {
            let total = self.o.time_limit.as_secs_f64().max(1e-9);
            f((self.start.elapsed().as_secs_f64() / total).min(1.0), msg);
        }
    }
    /// Keeps `(a, v)` as the best rota if it is better, and says so: every improvement of the
    /// rota reaches the progress callback, whichever stage found it.
    fn keep(&self, best: &mut (Assignment, Validation), a: Assignment, v: Validation) {
        if v.objective() < best.1.objective() {
            self.progress(&format!("improved to {}", v.objective()));
            *best = (a, v);
        }
    }
    /// Whether `bound` proves a rota of `objective` optimal, or within the relative gap the
    /// options ask for: either way the search may stop.
    fn enough(&self, bound: Option<f64>, objective: i64) -> bool {
        proves(bound, objective)
            || bound.is_some_and(|b| gap(objective as f64, b.ceil()) <= self.o.relative_gap)
    }
    fn run_opts(&self, limit: f64) -> RunOptions {
        RunOptions {
            time_limit: limit.min(self.remaining()),
            threads: self.o.threads,
            seed: (self.o.seed & 0x7fff_ffff) as u32,
            rel_gap: self.o.relative_gap,
            max_nodes: None,
        }
    }
    fn finish(&self, status: Status, best: Option<(Assignment, Validation)>) -> Solution {
        let (assignment, validation) = best.map_or((None, None), |(a, v)| (Some(a), Some(v)));
        Solution {
            status,
            assignment,
            validation,
            seconds: self.start.elapsed().as_secs_f64(),
        }
    }
}

/// Solves `p`: the best rota found within the options' limits, validated.
pub fn solve(p: &Problem, o: &SolveOptions) -> Result<Solution, SolveError> {
    p.check()?;
    let start = Instant::now();
    let cx = Ctx {
        p,
        o,
        start,
        deadline: start + o.time_limit,
    };
    let mut base = Assignment::empty(p);
    for pin in &p.pins {
        base.shifts[pin.staff][pin.day] = pin.shift;
    }
    cx.progress("building a first rota person by person");
    let built = match construct(&cx, base)? {
        Construction::Done(a) => match pinned_conflicts(p, &a) {
            staff if staff.is_empty() => a,
            staff => {
                let explanation =
                    explain_infeasible(p, &staff, cx.run_opts(cx.remaining().max(1.0)));
                return Ok(cx.finish(Status::Infeasible { explanation }, None));
            }
        },
        Construction::Infeasible(staff) => {
            let explanation = explain_infeasible(p, &staff, cx.run_opts(cx.remaining().max(1.0)));
            return Ok(cx.finish(Status::Infeasible { explanation }, None));
        }
        Construction::Stopped => return Ok(cx.finish(Status::TimedOut, None)),
    };
    let v = checked(p, &built, None)?;
    let mut best = (built, v);
    let mut bound: Option<f64> = None;
    let size: usize = p
        .staff
        .iter()
        .map(|s| s.contract.max_shifts.iter().filter(|&&m| m > 0).count() * p.days)
        .sum();

    let mut proven = false;
    let mut rng = SplitMix::new(o.seed);
    let mut guide = None;
    if p.shifts.len() < COLGEN_MAX_SHIFTS && p.days <= COLGEN_MAX_DAYS {
        (bound, guide) = colgen::search(&cx, &mut best)?;
        proven = cx.enough(bound, best.1.objective());
    } else if !cx.stopped() {
        // Without column generation no other move changes a whole row at once.
        cx.progress("re-optimising whole rows");
        rows::reoptimise(&cx, &mut best, &mut rng, cx.remaining() * ROWS_SHARE)?;
        if let Some(days) = window_days(p.staff.len(), p.shifts.len(), p.days) {
            colgen::search_windows(&cx, &mut best, days, cx.remaining() * WINDOWS_SHARE)?;
        }
    }
    // Small models: a short search for a good incumbent (skipped for the smallest), then the
    // whole model (which gives the bound and often the proof), then the search again. Larger
    // ones: the search, then a closing whole-model run from the best rota for a bound.
    let first = if size <= MONOLITHIC_FIRST {
        0.0
    } else if size <= MONOLITHIC_MAX {
        (cx.remaining() * 0.2).min(10.0)
    } else {
        cx.remaining()
    };
    // A bound from column generation is far tighter than the whole model's in this time.
    let tail = if size > MONOLITHIC_MAX && size <= BOUND_MAX && bound.is_none() {
        (cx.remaining() * BOUND_SHARE).min(BOUND_SECS)
    } else {
        0.0
    };
    proven = proven
        || lns(
            &cx,
            &mut best,
            &mut rng,
            first - tail,
            bound,
            guide.as_ref(),
        )?;
    if size <= MONOLITHIC_MAX && !cx.stopped() && !proven {
        cx.progress("solving the whole model");
        let whole;
        (proven, whole) = whole_model(&cx, &mut best, cx.remaining() * 0.75)?;
        bound = best_bound(bound, whole);
    }
    // Spend what is left on the neighbourhood search unless the rota is proven optimal.
    if !proven {
        proven = lns(
            &cx,
            &mut best,
            &mut rng,
            cx.remaining() - tail,
            bound,
            guide.as_ref(),
        )?;
    }
    if !proven && tail > 0.0 && !cx.stopped() {
        cx.progress("bounding the whole model");
        let whole;
        (proven, whole) = whole_model(&cx, &mut best, cx.remaining())?;
        bound = best_bound(bound, whole);
    }
    let status = verdict(&cx, bound, proven, best.1.objective());
    cx.progress("done");
    Ok(cx.finish(status, Some(best)))
}

/// The status of a rota of `objective`, given the best proven `bound` and whether a stage
/// `proven` it optimal (or within the relative gap asked for).
fn verdict(cx: &Ctx<'_>, bound: Option<f64>, proven: bool, objective: i64) -> Status {
    // Early column generation rounds can leave a bound far below any objective there is.
    let bound = best_bound(bound, cx.p.objective_floor());
    // The search may have reached a bound found earlier.
    let proven = proven || cx.enough(bound, objective);
    // Within a relative gap, a stop proves only the gap: the whole model and a whole-rota
    // neighbourhood claim a proof only without one.
    let optimal = proves(bound, objective) || (proven && cx.o.relative_gap == 0.0);
    let obj = objective as f64;
    // A bound above the objective cannot be right; drop it rather than claim a proof.
    let bound = bound.map(f64::ceil).filter(|&b| b <= obj);
    match bound {
        _ if optimal => Status::Optimal,
        Some(b) => Status::Feasible {
            bound: Some(b),
            gap: Some(gap(obj, b)),
        },
        None => Status::Feasible {
            bound: None,
            gap: None,
        },
    }
}

/// Whether a proven lower bound proves a rota of this objective optimal (objectives are
/// integral, so the bound rounded up suffices).
fn proves(bound: Option<f64>, objective: i64) -> bool {
    bound.is_some_and(|b| b.ceil() >= objective as f64 - 0.5)
}

/// The relative gap between a rota's objective and a lower bound.
fn gap(objective: f64, bound: f64) -> f64 {
    (objective - bound) / objective.abs().max(1.0)
}

/// The higher of two proven bounds.
fn best_bound(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// Runs the whole model for `limit` seconds, warm-started from the best rota; keeps a better
/// rota when it finds one. Returns (proven optimal, proven bound).
fn whole_model(
    cx: &Ctx<'_>,
    best: &mut (Assignment, Validation),
    limit: f64,
) -> Result<(bool, Option<f64>), SolveError> {
    let p = cx.p;
    let free = vec![vec![true; p.days]; p.staff.len()];
    let r = mip::build(p, &best.0, &free, Mode::Optimise).run(cx.run_opts(limit), true);
    let proven = r.status == HighsModelStatus::Optimal && cx.o.relative_gap == 0.0;
    let bound = r.bound.is_finite().then_some(r.bound);
    keep_found(cx, best, r)?;
    Ok((proven, bound))
}

/// Validates the rota a HiGHS run warm-started from `best` found, if any, and keeps it when it
/// is better; returns whether it was.
fn keep_found(
    cx: &Ctx<'_>,
    best: &mut (Assignment, Validation),
    r: mip::RunResult,
) -> Result<bool, SolveError> {
    let before = best.1.objective();
    let mip_objective = trusted(&r);
    if let Some(a) = r.assignment {
        let v = checked(cx.p, &a, mip_objective)?;
        cx.keep(best, a, v);
    }
    Ok(best.1.objective() < before)
}

/// People whose rota breaks a rule although the MIP found it: only possible when pins (fixed
/// cells, never variables) break rules among themselves or with days off.
fn pinned_conflicts(p: &Problem, a: &Assignment) -> Vec<usize> {
    let v = validate(p, a);
    let mut staff: Vec<usize> = v
        .violations
        .iter()
        .filter_map(|x| p.staff.iter().position(|s| s.code == x.staff))
        .collect();
    staff.sort_unstable();
    staff.dedup();
    staff
}

/// The MIP's objective when HiGHS proved it optimal. After a time limit the cover slacks of
/// the returned columns need not be tight, so only the validator's value is used then.
fn trusted(r: &mip::RunResult) -> Option<f64> {
    (r.status == HighsModelStatus::Optimal).then_some(r.objective)
}

/// Validates a rota from the MIP; disagreement on validity or objective is a bug.
fn checked(
    p: &Problem,
    a: &Assignment,
    mip_objective: Option<f64>,
) -> Result<Validation, SolveError> {
    let v = validate(p, a);
    if !v.is_valid() {
        return Err(SolveError::ValidatorMismatch(format!(
            "{:?}",
            v.violations.first()
        )));
    }
    if let Some(m) = mip_objective
        && (m - v.objective() as f64).abs() > 0.5
    {
        return Err(SolveError::ValidatorMismatch(format!(
            "MIP objective {m}, validator {}",
            v.objective()
        )));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::fixtures::{ctx, problems};
    use super::*;

    #[test]
    fn a_rota_is_reported_with_a_bound_no_lower_than_the_least_objective_there_is() {
        let p = &problems()[0];
        let o = SolveOptions::default();
        let cx = ctx(p, &o);
        let floored = Status::Feasible {
            bound: Some(0.0),
            gap: Some(1.0),
        };
        assert_eq!(verdict(&cx, None, false, 700), floored);
        assert_eq!(verdict(&cx, Some(-43_674.0), false, 700), floored);
        assert_eq!(
            verdict(&cx, Some(607.0), false, 700),
            Status::Feasible {
                bound: Some(607.0),
                gap: Some(93.0 / 700.0),
            }
        );
        assert_eq!(
            verdict(&cx, None, false, 0),
            Status::Optimal,
            "zero is least"
        );
        // A weight that rewards leaves no floor, and no bound to report.
        let mut rewarding = p.clone();
        rewarding.on_requests[0].weight = -1;
        let cx = ctx(&rewarding, &o);
        let unknown = Status::Feasible {
            bound: None,
            gap: None,
        };
        assert_eq!(verdict(&cx, None, false, 700), unknown);
        assert_eq!(verdict(&cx, None, false, 0), unknown);
    }

    #[test]
    fn windows_are_whole_weeks_of_about_the_cells_asked_for_and_only_on_long_horizons() {
        // Instance20 and 22's sizes.
        assert_eq!(window_days(50, 6, 182), Some(56));
        assert_eq!(window_days(50, 10, 364), Some(28));
        // A small team: the longest window column generation takes whole.
        assert_eq!(window_days(12, 2, 91), Some(COLGEN_MAX_DAYS));
        // Twelve weeks: column generation on the whole horizon instead.
        assert_eq!(window_days(12, 2, 84), None);
        // Instance21, 23 and 24's sizes: windows of three weeks or less did worse.
        assert_eq!(window_days(100, 8, 182), None);
        assert_eq!(window_days(100, 16, 364), None);
        assert_eq!(window_days(150, 32, 364), None);
        // Too many shift types for the labelling.
        assert_eq!(window_days(1, COLGEN_MAX_SHIFTS, 364), None);
    }

    #[test]
    fn enough_is_a_proof_or_a_bound_within_the_relative_gap_asked_for() {
        let p = &problems()[0];
        let exact = SolveOptions::default();
        let cx = ctx(p, &exact);
        assert!(cx.enough(Some(99.2), 100), "rounded up, 99.2 proves 100");
        assert!(!cx.enough(Some(90.0), 100));
        assert!(!cx.enough(None, 100));
        let loose = SolveOptions {
            relative_gap: 0.1,
            ..SolveOptions::default()
        };
        let cx = ctx(p, &loose);
        assert!(cx.enough(Some(90.0), 100));
        assert!(cx.enough(Some(89.5), 100), "rounded up to 90");
        assert!(!cx.enough(Some(89.0), 100));
        assert!(!cx.enough(None, 100));
    }
}

/// The benchmark's first three instances (Curtois & Qu 2014), for the stages' unit tests.
#[cfg(test)]
mod fixtures {
    use super::*;

    pub(super) fn problems() -> Vec<Problem> {
        [
            include_str!("../tests/fixtures/Instance1.txt"),
            include_str!("../tests/fixtures/Instance2.txt"),
            include_str!("../tests/fixtures/Instance3.txt"),
        ]
        .into_iter()
        .map(|text| crate::curtois::parse(text).expect("fixture parses"))
        .collect()
    }

    /// The first rota of the context's problem, checked valid.
    pub(super) fn first_rota(cx: &Ctx<'_>) -> (Assignment, Validation) {
        let Ok(Construction::Done(a)) = construct(cx, Assignment::empty(cx.p)) else {
            panic!("the fixture has a first rota");
        };
        let v = validate(cx.p, &a);
        assert!(v.is_valid());
        (a, v)
    }

    /// A context with ten minutes to go.
    pub(super) fn ctx<'a>(p: &'a Problem, o: &'a SolveOptions) -> Ctx<'a> {
        let start = Instant::now();
        Ctx {
            p,
            o,
            start,
            deadline: start + Duration::from_secs(600),
        }
    }
}
