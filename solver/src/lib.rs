//! The rota as an integer program: model, Curtois & Qu reader, MIP on HiGHS with a
//! neighbourhood search, independent validator and explanations. Pure: no I/O.

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
pub use solve::{Solution, SolveError, SolveOptions, Status, solve};
pub use validate::{HardRule, Validation, Violation, validate};
