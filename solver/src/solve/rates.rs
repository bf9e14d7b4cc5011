//! What one person's rota costs and counts for, read once from the problem: the cover rows
//! each cell counts towards, request penalties, and the cells no rota of theirs may use. Shared
//! by column generation (costs under the master's duals) and the row re-optimisation (costs
//! against the rest of the rota).

use super::rosters::CellCosts;
use crate::model::Problem;

/// How each person's cells enter the objective and the cover rows, for the labelling.
pub(super) struct Rates<'a> {
    pub p: &'a Problem,
    /// Cover rows (indices into `p.cover`) that person `e` working `s` on `d` counts towards.
    covers: Vec<Vec<Vec<Vec<usize>>>>,
    /// Request penalty of person `e` working `s` on `d`, less what not working it would cost;
    /// and each person's penalty for working nothing at all.
    request: Vec<Vec<Vec<f64>>>,
    pub idle: Vec<f64>,
    /// Cells barred by days off, pins and zero limits: `barred[e][d][s]`; `no_rest[e][d]`
    /// when a pin makes person `e` work on day `d`.
    barred: Vec<Vec<Vec<bool>>>,
    no_rest: Vec<Vec<bool>>,
}

impl<'a> Rates<'a> {
    pub fn new(p: &'a Problem) -> Self {
        let (n, h, s_count) = (p.staff.len(), p.days, p.shifts.len());
        let mut covers = vec![vec![vec![Vec::new(); s_count]; h]; n];
        for (i, c) in p.cover.iter().enumerate() {
            for (e, st) in p.staff.iter().enumerate() {
                if c.counts(st) {
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
            covers,
            request,
            idle,
            barred,
            no_rest,
        }
    }

    /// The cover rows person `e` working `row` counts towards, once per shift worked.
    pub fn cover_rows<'r>(
        &'r self,
        e: usize,
        row: &'r [Option<usize>],
    ) -> impl Iterator<Item = usize> + 'r {
        row.iter()
            .enumerate()
            .filter_map(|(d, x)| x.map(|s| (d, s)))
            .flat_map(move |(d, s)| self.covers[e][d][s].iter().copied())
    }

    /// The request penalties of person `e` working `row`.
    pub fn requests(&self, e: usize, row: &[Option<usize>]) -> f64 {
        self.idle[e]
            + row
                .iter()
                .enumerate()
                .filter_map(|(d, x)| x.map(|s| self.request[e][d][s]))
                .sum::<f64>()
    }

    /// Person `e`'s cell costs under duals `pi` of the cover rows, keeping to `fixed`.
    pub fn costs(&self, e: usize, pi: &[f64], fixed: &[Option<Option<usize>>]) -> CellCosts {
        let p = self.p;
        let work = (0..p.days)
            .map(|d| {
                (0..p.shifts.len())
                    .map(|s| {
                        if self.barred[e][d][s] || fixed[d].is_some_and(|x| x != Some(s)) {
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
                if self.no_rest[e][d] || fixed[d].is_some_and(|x| x.is_some()) {
                    f64::INFINITY
                } else {
                    0.0
                }
            })
            .collect();
        CellCosts { work, off }
    }
}
