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
    /// `reach[r]`: the most minutes any `r` days can hold under these rules (see [`reach`]).
    pub(super) reach: Vec<u64>,
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
        let clamp = |x: u32| x.min(u32::from(u16::MAX)) as u16;
        let max_run = clamp(c.max_consecutive_shifts);
        let min_off = clamp(c.min_consecutive_days_off).max(1);
        let mut lengths: Vec<(u32, u32)> = (0..s_count)
            .filter(|&s| c.max_shifts[s] > 0)
            .map(|s| (p.shifts[s].length_minutes, c.max_shifts[s]))
            .collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        let reach = (0..=p.days)
            .map(|r| reach(r, max_run, min_off, &lengths))
            .collect();
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
            max_run,
            min_run: clamp(c.min_consecutive_shifts),
            min_off,
            forbid,
            class,
            counted,
            weekends,
            slots,
            reach,
        }
    }
}

/// The most minutes `r` days can hold for a person who works at most `max_run` days in a row
/// with at least `min_off` days off between runs, and at most `cap` shifts of each `length`
/// (`lengths` holds (length, cap), longest first): runs of `max_run` days from the first day
/// on work the most days, and the longest shifts fill them. Whatever a row did before the `r`
/// days, it can only work fewer of them (a run under way ends sooner, a rest under way must
/// finish), and the shifts it used count against the caps, so this bounds every row's last
/// `r` days. The minimum minutes are long horizons' binding rule (Instance23 asks half its
/// people for 111,360 minutes in a year of at most five days a week): bounded by the longest
/// shift on every day left, a labelling kept partial rows that worked too little to ever
/// reach them.
fn reach(r: usize, max_run: u16, min_off: u16, lengths: &[(u32, u32)]) -> u64 {
    let (run, off) = (usize::from(max_run), usize::from(min_off));
    let mut days = r / (run + off) * run + (r % (run + off)).min(run);
    let mut minutes = 0u64;
    for &(length, cap) in lengths {
        let take = days.min(cap as usize);
        minutes += take as u64 * u64::from(length);
        days -= take;
    }
    minutes
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
    use super::super::cases::{case, valid_rows};
    use super::*;
    use crate::model::Assignment;
    use crate::rng::SplitMix;
    use crate::validate::{HardRule, validate};

    #[test]
    fn no_valid_row_works_more_minutes_in_its_last_days_than_their_reach() {
        let mut rng = SplitMix::new(29);
        let mut rows = 0;
        for _ in 0..200 {
            let (p, costs) = case(&mut rng);
            let rules = Rules::new(&p, 0, &costs);
            for row in valid_rows(&p) {
                for r in 0..=p.days {
                    let minutes: u64 = row[p.days - r..]
                        .iter()
                        .flatten()
                        .map(|&s| u64::from(p.shifts[s].length_minutes))
                        .sum();
                    assert!(minutes <= rules.reach[r], "{r} days of {row:?}: {p:?}");
                }
                rows += 1;
            }
        }
        assert!(rows > 1_000, "only {rows} valid rows");
    }

    #[test]
    fn reach_fills_runs_from_the_first_day_with_the_longest_shifts_under_their_caps() {
        // Five on, two off: five days of each week, the last week's first five.
        let eights = [(480, 28)];
        assert_eq!(reach(7, 5, 2, &eights), 5 * 480);
        assert_eq!(reach(12, 5, 2, &eights), 10 * 480);
        assert_eq!(reach(28, 5, 2, &eights), 20 * 480);
        // Three twelve-hour shifts at most, then eights.
        assert_eq!(reach(28, 5, 2, &[(720, 3), (480, 28)]), 3 * 720 + 17 * 480);
        // Caps below the days: no more shifts than the caps allow.
        assert_eq!(reach(28, 5, 2, &[(600, 4), (480, 6)]), 4 * 600 + 6 * 480);
        assert_eq!(reach(0, 5, 2, &eights), 0);
    }

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
