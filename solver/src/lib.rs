//! The rota as an integer program: model, Curtois & Qu reader, MIP on HiGHS with a
//! neighbourhood search, independent validator and explanations. Pure: no I/O.
//!
//! ```text
//! let problem = rota_solver::parse_curtois(&text)?;            // ParseError: line + expected
//! let solution = rota_solver::solve(&problem, &SolveOptions::default())?;
//! let summary = rota_solver::Summary::new("Instance1", &problem, &solution); // JSON keys
//! ```
//!
//! How a solve runs: a first rota person by person (a rota exists iff every person has one,
//! since only cover ties people together), each person's best row against those before them
//! found by a labelling algorithm, or by a MIP where that outgrows the person's share of time
//! or finds none (the MIP also proves when a person has no rota at all); then, for horizons
//! up to twelve weeks, column generation over whole rotas per person (a master LP against the
//! cover rows, each person's cheapest rota under its duals found by the same labelling),
//! whose Lagrangian bound is the proof of optimality or the reported bound, and a dive
//! through its LP for a rota (fixing the (person, day) cells the LP is surest of and pricing
//! again under them; once few cells are fractional, a sub-MIP re-solves them with the rest
//! held) — longer horizons instead re-solve each person's whole row by the same labelling
//! against the rest of the rota, pass after pass, while that pays, then run column generation
//! and its dive on windows of whole weeks one after another, every cell outside the window
//! held (where a window of four weeks or more fits the team's size); then for small
//! models the whole MIP warm-started from the best rota, and a large-neighbourhood search that
//! re-optimises windows of staff × days, choosing among its kinds of window by what each has
//! gained so far (and, when it stalls, every weekend for everyone at once), until the rota
//! meets the bound or the time is up.
//! Every rota returned has passed [`validate`]. The deadline is
//! enforced between HiGHS runs and passed to each run as its limit; HiGHS' own limit is soft,
//! so one run may overshoot by a little. The same input and options give the same rota when
//! the run ends by a proof; a run cut by its time limit depends on how far it got.

pub mod bench;
pub mod curtois;
pub mod explain;
mod infeasible;
mod mip;
pub mod model;
mod rng;
pub mod solve;
pub mod validate;

pub use bench::{BestKnown, Summary, format_bench_table, parse_best_known};
pub use curtois::{ParseError, parse as parse_curtois};
pub use explain::{Explanation, InfeasibilityExplanation};
pub use model::{Assignment, Contract, Cover, Pin, Problem, Request, ShiftType, Staff};
pub use solve::{ProgressFn, Solution, SolveError, SolveOptions, Status, solve};
pub use validate::{HardRule, Validation, Violation, validate};
