//! The benchmark report: a serialisable summary per solved instance, the `best_known.tsv`
//! reader and the `rota bench curtois` table. Pure; the CLI does the reading and printing.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::model::Problem;
use crate::solve::{Solution, Status};

/// What the CLI prints (or emits as JSON) for one solved instance. Keys are a public contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Instance name, e.g. `Instance1`.
    pub instance: String,
    /// `optimal`, `feasible`, `infeasible` or `timed_out`.
    pub status: String,
    /// Objective of the rota found, if any.
    pub objective: Option<i64>,
    /// Proven lower bound, if known.
    pub bound: Option<f64>,
    /// Relative gap between objective and bound, if known.
    pub gap: Option<f64>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Validator verdict on the rota (false when there is none).
    pub valid: bool,
    /// Number of staff.
    pub staff: usize,
    /// Number of days.
    pub days: usize,
}

impl Summary {
    /// Summarises a solution of `problem` under the name `instance`.
    pub fn new(instance: &str, problem: &Problem, s: &Solution) -> Self {
        let (status, gap) = match &s.status {
            Status::Optimal => ("optimal", Some(0.0)),
            Status::Feasible { gap, .. } => ("feasible", *gap),
            Status::Infeasible { .. } => ("infeasible", None),
            Status::TimedOut => ("timed_out", None),
        };
        Self {
            instance: instance.to_string(),
            status: status.to_string(),
            objective: s.objective(),
            bound: s.bound(),
            gap,
            seconds: s.seconds,
            valid: s.validation.as_ref().is_some_and(|v| v.is_valid()),
            staff: problem.staff.len(),
            days: problem.days,
        }
    }
}

/// One line of `best_known.tsv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestKnown {
    /// Instance name.
    pub instance: String,
    /// Best known objective.
    pub best: i64,
    /// Whether `best` is a proven optimum.
    pub optimal: bool,
    /// Published lower bound, when not optimal and known.
    pub lower_bound: Option<i64>,
}

/// A `best_known.tsv` line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("best_known line {line}: expected {expected}")]
pub struct BestKnownError {
    /// 1-based line number.
    pub line: usize,
    /// What was expected.
    pub expected: String,
}

/// Reads `best_known.tsv` (`instance<TAB>best_known<TAB>optimal|bound|-`, with a header).
pub fn parse_best_known(text: &str) -> Result<Vec<BestKnown>, BestKnownError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if line.trim().is_empty() || (i == 0 && f.first() == Some(&"instance")) {
            continue;
        }
        let bad = |expected: &str| BestKnownError {
            line: i + 1,
            expected: expected.into(),
        };
        if f.len() != 3 {
            return Err(bad("three tab-separated fields"));
        }
        let best = f[1]
            .parse()
            .map_err(|_| bad("an integer best-known objective"))?;
        let (optimal, lower_bound) = match f[2] {
            "optimal" => (true, None),
            "-" | "" => (false, None),
            b => (
                false,
                Some(b.parse().map_err(|_| bad("optimal, a lower bound or -"))?),
            ),
        };
        out.push(BestKnown {
            instance: f[0].to_string(),
            best,
            optimal,
            lower_bound,
        });
    }
    Ok(out)
}

/// Formats the `rota bench curtois` table: per instance objective, best known, gap to best
/// known, proven optimal, seconds, validity; then a summary line.
pub fn format_bench_table(rows: &[Summary], best: &[BestKnown]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<12} {:>9} {:>9} {:>8} {:>7} {:>8} {:>6} {:>5}",
        "instance", "objective", "best", "gap%", "proven", "seconds", "valid", "hit"
    );
    let (mut valid, mut hit, mut proven, mut secs) = (0, 0, 0, 0.0);
    for r in rows {
        let bk = best.iter().find(|b| b.instance == r.instance);
        let gap = match (r.objective, bk) {
            (Some(o), Some(b)) => format!(
                "{:.2}",
                100.0 * (o - b.best) as f64 / (b.best as f64).abs().max(1.0)
            ),
            _ => "-".into(),
        };
        let is_hit = matches!((r.objective, bk), (Some(o), Some(b)) if o <= b.best);
        let is_proven = r.status == "optimal";
        valid += usize::from(r.valid);
        hit += usize::from(is_hit);
        proven += usize::from(is_proven);
        secs += r.seconds;
        let _ = writeln!(
            t,
            "{:<12} {:>9} {:>9} {:>8} {:>7} {:>8.1} {:>6} {:>5}",
            r.instance,
            r.objective.map_or("-".into(), |o| o.to_string()),
            bk.map_or("-".into(), |b| b.best.to_string()),
            gap,
            if is_proven { "yes" } else { "no" },
            r.seconds,
            if r.valid { "yes" } else { "NO" },
            if is_hit { "yes" } else { "no" },
        );
    }
    let _ = writeln!(
        t,
        "summary: {} instances, {valid} valid rotas, {proven} proven optimal, {hit} at or below best known, {secs:.0} s in total",
        rows.len()
    );
    t
}
