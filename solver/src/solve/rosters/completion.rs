//! A lower bound on the cost of finishing a row, for pruning partial rows against a ceiling.

use super::CellCosts;
use super::rules::Rules;
use crate::model::Problem;

/// Lower bounds on the cost of finishing a row: the cheapest way to fill days `d..` from a
/// given number of minutes worked, with the total between the person's minimum and maximum.
/// Succession, runs and counted resources are relaxed, but the minutes are not: under the
/// cover rows' duals every cell worked looks cheap, and the total is what stops a row from
/// taking them all.
pub(super) struct Completion {
    /// Minutes are counted in units of the shifts' greatest common length.
    unit: u32,
    /// Minute values per day: `bound[d * width + m]` is for `m` units worked before day `d`.
    width: usize,
    bound: Vec<f64>,
}

/// Above this many minute values a day the bound is not worth its table.
const COMPLETION_WIDTH: usize = 4096;

impl Completion {
    pub(super) fn new(p: &Problem, r: &Rules, costs: &CellCosts) -> Option<Self> {
        let h = p.days;
        let usable: Vec<usize> = (0..p.shifts.len())
            .filter(|&s| (0..h).any(|d| costs.work[d][s].is_finite()))
            .collect();
        let unit = usable
            .iter()
            .map(|&s| p.shifts[s].length_minutes)
            .fold(0, gcd)
            .max(1);
        let width = (r.max_minutes / unit) as usize + 1;
        if width > COMPLETION_WIDTH {
            return None;
        }
        let steps: Vec<(usize, usize)> = usable
            .iter()
            .map(|&s| (s, (p.shifts[s].length_minutes / unit) as usize))
            .collect();
        let mut bound = vec![f64::INFINITY; (h + 1) * width];
        for m in 0..width {
            if m as u64 * u64::from(unit) >= u64::from(r.min_minutes) {
                bound[h * width + m] = 0.0;
            }
        }
        for d in (0..h).rev() {
            let (now, next) = bound.split_at_mut((d + 1) * width);
            let now = &mut now[d * width..];
            for m in 0..width {
                let mut best = costs.off[d] + next[m];
                for &(s, len) in &steps {
                    if let Some(&rest) = next.get(m + len) {
                        best = best.min(costs.work[d][s] + rest);
                    }
                }
                now[m] = best;
            }
        }
        Some(Self { unit, width, bound })
    }

    /// The least cost of days `d..` after `minutes` worked before them.
    pub(super) fn after(&self, d: usize, minutes: u32) -> f64 {
        let m = (minutes / self.unit) as usize;
        if m >= self.width {
            return f64::INFINITY;
        }
        self.bound
            .get(d * self.width + m)
            .copied()
            .unwrap_or(f64::INFINITY)
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::super::cases::{brute, case, valid_rows};
    use super::*;
    use crate::rng::SplitMix;

    #[test]
    fn the_completion_bound_never_exceeds_the_cheapest_way_to_finish_a_row() {
        let mut rng = SplitMix::new(13);
        let (mut splits, mut tight) = (0, 0);
        for _ in 0..200 {
            let (p, costs) = case(&mut rng);
            let rules = Rules::new(&p, 0, &costs);
            let c = Completion::new(&p, &rules, &costs).expect("a few days need a small table");
            // Not a bound that holds by being useless: often it is the cheapest row itself.
            if let Some(b) = brute(&p, &costs) {
                tight += usize::from((c.after(0, 0) - b).abs() < 1e-9);
            }
            // Every valid row, split at every day: its cost from that day on is at least the
            // bound for the minutes it worked before.
            for row in valid_rows(&p) {
                for d in 0..=p.days {
                    let minutes: u32 = row[..d]
                        .iter()
                        .flatten()
                        .map(|&s| p.shifts[s].length_minutes)
                        .sum();
                    let rest: f64 = row[d..]
                        .iter()
                        .enumerate()
                        .map(|(i, x)| x.map_or(costs.off[d + i], |s| costs.work[d + i][s]))
                        .sum();
                    let b = c.after(d, minutes);
                    assert!(b <= rest + 1e-9, "day {d}: bound {b} > {rest}: {p:?}");
                    splits += 1;
                }
            }
        }
        assert!(splits > 1000, "only {splits} splits checked");
        assert!(
            tight >= 10,
            "the bound met the cheapest row in only {tight} cases"
        );
    }
}
