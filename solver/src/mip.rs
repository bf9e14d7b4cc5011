//! The integer program of one (sub)problem: cells of the rota that are free to change become
//! binaries, all other cells are constants taken from a base rota.
//!
//! Formulation (Curtois & Qu rules as in Strandmark's IP, with tighter rows where cheap):
//! `x[e,d,s]` binary, `w[e,d] = Σ_s x[e,d,s]` binary "works that day", `k[e,w]` weekend
//! indicators, continuous cover slacks. Forbidden successions are one clique row per (day,
//! shift): `x[d,s] + Σ_{t∈F(s)} x[d+1,t] ≤ 1`. Minimum runs use the start-up form
//! `w[d] − w[d−1] ≤ w[d+j]` (and its mirror for days off), one row per offset, which is
//! tighter than one aggregated row per run; runs touching the horizon's ends are exempt by
//! construction.

use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};
use highs::HighsModelStatus;
use std::sync::OnceLock;

mod rows;

use crate::model::{Assignment, Problem};
use crate::validate::HardRule;
use rows::{objective_terms, staff_rows};

/// HiGHS settings for one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunOptions {
    pub time_limit: f64,
    pub threads: u32,
    pub seed: u32,
    pub rel_gap: f64,
    /// Branch-and-bound node limit, if any (a deterministic stop, unlike time).
    pub max_nodes: Option<i32>,
}

/// What the model is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Minimise the rota's objective.
    Optimise,
    /// Any rota that keeps the hard rules (objective zero): the quickest way to one.
    Feasibility,
    /// Every hard rule softened with a penalised slack, for explanations.
    Elastic,
}

/// A slack that lets a hard rule give way (explanation mode only).
pub(crate) struct Slack {
    pub rule: HardRule,
    pub day: Option<usize>,
    col: usize,
}

enum Cell {
    Fixed(Option<usize>),
    Free {
        x: Vec<Option<(Variable, usize)>>,
        w: Variable,
    },
}

/// A built model, ready to run.
pub(crate) struct Built {
    model: highs::Model,
    cols: usize,
    start: Vec<f64>,
    /// Objective coefficient of every column, to recompute the objective from the columns.
    costs: Vec<f64>,
    /// (staff, day, shift, column) of every assignment binary.
    xs: Vec<(usize, usize, usize, usize)>,
    pub slacks: Vec<Slack>,
    /// Objective terms fixed by the constant cells (added to the MIP's objective).
    pub offset: f64,
    base: Assignment,
}

/// What one run returned.
pub(crate) struct RunResult {
    pub status: HighsModelStatus,
    /// The rota found (base rota with the free cells filled in), if any.
    pub assignment: Option<Assignment>,
    /// Objective including the offset.
    pub objective: f64,
    /// Dual bound including the offset (−∞ when unknown).
    pub bound: f64,
    /// Values of the slacks, in [`Built::slacks`] order.
    pub slack_values: Vec<f64>,
}

struct Builder<'a> {
    p: &'a Problem,
    base: &'a Assignment,
    vars: ProblemVariables,
    start: Vec<f64>,
    costs: Vec<f64>,
    obj: Expression,
    offset: f64,
    cells: Vec<Vec<Cell>>,
    rows: Vec<good_lp::Constraint>,
    slacks: Vec<Slack>,
    elastic: bool,
}

impl Builder<'_> {
    fn add(&mut self, def: good_lp::VariableDefinition, start: f64) -> (Variable, usize) {
        let v = self.vars.add(def);
        self.start.push(start);
        self.costs.push(0.0);
        (v, self.start.len() - 1)
    }

    fn cost(&mut self, (v, col): (Variable, usize), c: f64) {
        self.obj.add_mul(c, v);
        self.costs[col] += c;
    }

    fn x(&self, e: usize, d: usize, s: usize) -> Expression {
        match &self.cells[e][d] {
            Cell::Fixed(v) => Expression::from(if *v == Some(s) { 1.0 } else { 0.0 }),
            Cell::Free { x, .. } => x[s].map(|(v, _)| Expression::from(v)).unwrap_or_default(),
        }
    }

    fn w(&self, e: usize, d: usize) -> Expression {
        match &self.cells[e][d] {
            Cell::Fixed(v) => Expression::from(if v.is_some() { 1.0 } else { 0.0 }),
            Cell::Free { w, .. } => Expression::from(*w),
        }
    }

    fn free(&self, e: usize, d: usize) -> bool {
        matches!(self.cells[e][d], Cell::Free { .. })
    }

    /// Adds `lhs ≤ rhs`, with a penalised slack in elastic mode.
    fn leq(
        &mut self,
        mut lhs: Expression,
        rhs: f64,
        rule: HardRule,
        day: Option<usize>,
        per_unit: f64,
    ) {
        if self.elastic {
            let (s, col) = self.add(variable().min(0.0), 0.0);
            lhs -= s;
            self.cost((s, col), per_unit);
            self.slacks.push(Slack { rule, day, col });
        }
        self.rows.push(lhs.leq(rhs));
    }
}

/// Builds the model where `free[e][d]` cells may change and the others keep `base`'s value.
/// In elastic mode every hard rule of the free staff gets a penalised slack and the soft
/// objective is dropped: the optimum names the fewest rule breaks that make a rota exist.
pub(crate) fn build(p: &Problem, base: &Assignment, free: &[Vec<bool>], mode: Mode) -> Built {
    build_with(p, base, free, mode, None)
}

/// As [`build`], with person `only.0` limited to shift type `only.1` (a stricter model whose
/// rotas are valid for the real one).
pub(crate) fn build_with(
    p: &Problem,
    base: &Assignment,
    free: &[Vec<bool>],
    mode: Mode,
    only: Option<(usize, usize)>,
) -> Built {
    let elastic = mode == Mode::Elastic;
    let mut b = Builder {
        p,
        base,
        vars: ProblemVariables::new(),
        start: Vec::new(),
        costs: Vec::new(),
        obj: Expression::default(),
        offset: 0.0,
        cells: Vec::new(),
        rows: Vec::new(),
        slacks: Vec::new(),
        elastic,
    };
    let mut xs = Vec::new();
    let mut pinned = vec![vec![false; p.days]; p.staff.len()];
    for pin in &p.pins {
        pinned[pin.staff][pin.day] = true;
    }
    for (e, st) in p.staff.iter().enumerate() {
        let mut row = Vec::with_capacity(p.days);
        for d in 0..p.days {
            let locked = !elastic && (pinned[e][d] || st.days_off.contains(&d));
            if !free[e][d] || locked {
                row.push(Cell::Fixed(base.shifts[e][d]));
                continue;
            }
            let cur = base.shifts[e][d];
            let mut x = Vec::with_capacity(p.shifts.len());
            for s in 0..p.shifts.len() {
                let barred = only.is_some_and(|(who, what)| who == e && what != s);
                if elastic || (st.contract.max_shifts[s] > 0 && !barred) {
                    let st0 = if cur == Some(s) { 1.0 } else { 0.0 };
                    let (v, col) = b.add(variable().binary(), st0);
                    xs.push((e, d, s, col));
                    x.push(Some((v, col)));
                } else {
                    x.push(None);
                }
            }
            let (w, _) = b.add(variable().binary(), if cur.is_some() { 1.0 } else { 0.0 });
            let sum: Expression = x.iter().flatten().map(|(v, _)| *v).sum();
            b.rows.push((sum - w).eq(0.0));
            row.push(Cell::Free { x, w });
        }
        b.cells.push(row);
    }
    for e in 0..p.staff.len() {
        if (0..p.days).any(|d| b.free(e, d)) {
            staff_rows(&mut b, e, &pinned);
        }
    }
    if mode == Mode::Optimise {
        objective_terms(&mut b);
    }
    let Builder {
        vars,
        start,
        costs,
        obj,
        offset,
        rows,
        slacks,
        ..
    } = b;
    let cols = start.len();
    let mut problem = vars.minimise(obj).using(highs);
    for r in rows {
        problem = problem.with(r);
    }
    let model = problem;
    Built {
        model: into_model(model),
        cols,
        start,
        costs,
        xs,
        slacks,
        offset,
        base: base.clone(),
    }
}

fn into_model(p: good_lp::solvers::highs::HighsProblem) -> highs::Model {
    // An empty or malformed model cannot come from `build`; HiGHS rejects only NaN data.
    match p.try_into_inner() {
        Ok(m) => m,
        Err(_) => highs::Model::new(highs::RowProblem::default()),
    }
}

impl Builder<'_> {
    fn base_works(&self, e: usize, d: usize) -> bool {
        self.base.shifts[e][d].is_some()
    }

    fn has_var(&self, e: usize, d: usize, s: usize) -> Option<(Variable, usize)> {
        match &self.cells[e][d] {
            Cell::Free { x, .. } => x[s],
            Cell::Fixed(_) => None,
        }
    }
}

/// HiGHS keeps one thread scheduler per process, sized by the first model solved; a later
/// model asking for another size fails at once ("scheduler has already been initialized"),
/// which would silently cost a run with other options its MIPs. So every model asks for the
/// size the process's first one did.
static SCHEDULER_THREADS: OnceLock<i32> = OnceLock::new();

/// Silences HiGHS and sets its thread count: `wanted` for the process's first model, the
/// first model's count for every later one.
pub(crate) fn quiet(m: &mut highs::Model, wanted: u32) {
    m.make_quiet();
    let threads = *SCHEDULER_THREADS.get_or_init(|| wanted.max(1) as i32);
    m.set_option("threads", threads);
}

/// Applies `o` to a HiGHS MIP, quiet.
pub(crate) fn configure(m: &mut highs::Model, o: RunOptions) {
    quiet(m, o.threads);
    m.set_option("time_limit", o.time_limit.max(0.01));
    m.set_option("random_seed", (o.seed % i32::MAX as u32) as i32);
    m.set_option("mip_rel_gap", o.rel_gap.max(0.0));
    if let Some(n) = o.max_nodes {
        m.set_option("mip_max_nodes", n.max(1));
    }
    // The objective is integral: any gap below 1 proves optimality.
    m.set_option("mip_abs_gap", 0.99);
}

/// Whether HiGHS holds a feasible solution after a run.
pub(crate) fn has_solution(solved: &highs::SolvedModel) -> bool {
    // 2 is kSolutionStatusFeasible; read raw, as the binding panics on "no info" (-1).
    solved.int_info_value(c"primal_solution_status") == Ok(2)
}

impl Built {
    /// Runs HiGHS, warm-started from the base rota.
    pub fn run(mut self, o: RunOptions, warm: bool) -> RunResult {
        if self.cols == 0 {
            // Nothing is free: the base rota is the only answer (HiGHS reports no info here).
            return RunResult {
                status: HighsModelStatus::Optimal,
                assignment: Some(self.base),
                objective: self.offset,
                bound: self.offset,
                slack_values: Vec::new(),
            };
        }
        let m = &mut self.model;
        configure(m, o);
        if warm && self.cols > 0 {
            let _ = m.try_set_solution(Some(&self.start), None, None, None);
        }
        let none = |status| RunResult {
            status,
            assignment: None,
            objective: f64::INFINITY,
            bound: f64::NEG_INFINITY,
            slack_values: Vec::new(),
        };
        let solved = match self.model.try_solve() {
            Ok(s) => s,
            Err(_) => return none(HighsModelStatus::SolveError),
        };
        let status = solved.status();
        let bound = solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(f64::NEG_INFINITY)
            + self.offset;
        if !has_solution(&solved) {
            return RunResult {
                bound,
                ..none(status)
            };
        }
        let sol = solved.get_solution();
        let cols = sol.columns();
        let mut a = self.base;
        for &(e, d, _, _) in &self.xs {
            a.shifts[e][d] = None;
        }
        for &(e, d, s, col) in &self.xs {
            if cols.get(col).copied().unwrap_or(0.0) > 0.5 {
                a.shifts[e][d] = Some(s);
            }
        }
        let slack_values = self
            .slacks
            .iter()
            .map(|s| cols.get(s.col).copied().unwrap_or(0.0))
            .collect();
        RunResult {
            status,
            assignment: Some(a),
            // Recomputed from the columns: after a time limit HiGHS' reported objective need
            // not belong to the columns it returns.
            objective: self.offset + self.costs.iter().zip(cols).map(|(c, v)| c * v).sum::<f64>(),
            bound,
            slack_values,
        }
    }
}
