//! One person's hard rules as the labelling reads them, and which of their limits a row breaks.

use super::CellCosts;
use crate::model::Problem;

/// The hard rules of person `e`, read once.
#[derive(Clone)]
pub(super) struct Rules {
    pub(super) min_minutes: u32,
    pub(super) max_minutes: u32,
    pub(super) max_run: u16,
    pub(super) min_run: u16,
    pub(super) min_off: u16,
    /// `forbid[s][t]`: shift `t` may not follow shift `s`.
    pub(super) forbid: Vec<Vec<bool>>,
    /// Shifts with the same `forbid` row share a class: what may follow a label depends on its
    /// last shift only through it, so labels compete across the shifts of a class (Instance12's
    /// ten shift types fall into four classes, Instance13's eighteen into nine).
    pub(super) class: Vec<u8>,
    /// For each shift type, its slot among the counted resources and its limit.
    pub(super) counted: Vec<Option<(usize, u16)>>,
    /// Slot and limit of worked weekends, when the limit can bind.
    pub(super) weekends: Option<(usize, u16)>,
    pub(super) slots: usize,
    pub(super) longest: u32,
}

impl Rules {
    pub(super) fn new(p: &Problem, e: usize, costs: &CellCosts) -> Self {
        let c = &p.staff[e].contract;
        let s_count = p.shifts.len();
        let mut slots = 0;
        let counted = (0..s_count)
            .map(|s| {
                let avail = (0..p.days)
                    .filter(|&d| costs.work[d][s].is_finite())
                    .count();
                let limit = c.max_shifts[s];
                (u64::from(limit) < avail as u64).then(|| {
                    slots += 1;
                    (slots - 1, limit.min(0x7fff) as u16)
                })
            })
            .collect();
        let weekends = (u64::from(c.max_weekends) < p.weekends() as u64).then(|| {
            slots += 1;
            (slots - 1, c.max_weekends.min(0x7fff) as u16)
        });
        let longest = (0..s_count)
            .filter(|&s| c.max_shifts[s] > 0)
            .map(|s| p.shifts[s].length_minutes)
            .max()
            .unwrap_or(0);
        let clamp = |x: u32| x.min(u32::from(u16::MAX)) as u16;
        let forbid: Vec<Vec<bool>> = (0..s_count)
            .map(|s| (0..s_count).map(|t| p.forbids(e, s, t)).collect())
            .collect();
        // The first shift of each distinct row names the class; below OFF like any shift.
        let class = (0..s_count)
            .map(|s| (0..s_count).find(|&t| forbid[t] == forbid[s]).unwrap_or(s) as u8)
            .collect();
        Self {
            min_minutes: c.min_total_minutes,
            max_minutes: c.max_total_minutes,
            max_run: clamp(c.max_consecutive_shifts),
            min_run: clamp(c.min_consecutive_shifts),
            min_off: clamp(c.min_consecutive_days_off).max(1),
            forbid,
            class,
            counted,
            weekends,
            slots,
            longest,
        }
    }
}

impl Rules {
    /// These rules with only the limits of the slots marked in `tracked` counted, renumbered.
    pub(super) fn tracking(&self, tracked: &[bool]) -> Self {
        let mut slots = 0;
        let mut keep = |x: Option<(usize, u16)>| {
            let (slot, limit) = x?;
            tracked[slot].then(|| {
                slots += 1;
                (slots - 1, limit)
            })
        };
        let counted = self.counted.iter().map(|&x| keep(x)).collect();
        let weekends = keep(self.weekends);
        Self {
            counted,
            weekends,
            slots,
            ..self.clone()
        }
    }

    /// The slots whose limits `row` breaks.
    pub(super) fn broken(&self, p: &Problem, row: &[Option<usize>]) -> Vec<usize> {
        let mut used = vec![0u32; p.shifts.len()];
        for &s in row.iter().flatten() {
            used[s] += 1;
        }
        let mut broken: Vec<usize> = self
            .counted
            .iter()
            .zip(&used)
            .filter_map(|(&x, &n)| x.filter(|&(_, limit)| n > u32::from(limit)).map(|x| x.0))
            .collect();
        if let Some((slot, limit)) = self.weekends
            && p.weekends_worked(row) > usize::from(limit)
        {
            broken.push(slot);
        }
        broken
    }
}

#[cfg(test)]
mod tests {
    use super::super::cases::case;
    use super::*;
    use crate::model::Assignment;
    use crate::rng::SplitMix;
    use crate::validate::{HardRule, validate};

    #[test]
    fn the_limits_a_row_breaks_are_the_shift_counts_and_weekends_the_validator_rejects() {
        let mut rng = SplitMix::new(19);
        let (mut rows, mut broken_rows) = (0, 0);
        for _ in 0..100 {
            let (p, costs) = case(&mut rng);
            let rules = Rules::new(&p, 0, &costs);
            for _ in 0..20 {
                // A row of open cells only: counts and weekends are all that can break.
                let row: Vec<Option<usize>> = (0..p.days)
                    .map(|d| {
                        let open: Vec<usize> = (0..p.shifts.len())
                            .filter(|&s| costs.work[d][s].is_finite())
                            .collect();
                        match rng.below(open.len() + 1) {
                            0 => None,
                            k => Some(open[k - 1]),
                        }
                    })
                    .collect();
                let a = Assignment {
                    shifts: vec![row.clone()],
                };
                let rejected = validate(&p, &a)
                    .violations
                    .iter()
                    .any(|v| matches!(v.rule, HardRule::MaxShifts | HardRule::MaxWeekends));
                let broken = rules.broken(&p, &row);
                assert_eq!(!broken.is_empty(), rejected, "{p:?} {row:?}");
                rows += 1;
                broken_rows += usize::from(rejected);
            }
        }
        assert!(
            broken_rows > 100,
            "only {broken_rows} of {rows} rows broke a limit"
        );
    }
}
