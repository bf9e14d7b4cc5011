//! The weekend neighbourhood: every weekend, with the Friday before and the Monday after, for
//! (nearly) everyone at once. A limit on weekends worked ties each person's weekends together
//! across the whole horizon, so moving one weekend shift from one person to another takes
//! both people's weekends, and the people who cover for them, free together. Windows of a few
//! days or a few people's whole rows never hold such a move.

use crate::model::Problem;
use crate::rng::SplitMix;

/// Whether some person's weekends are limited: only then can the neighbourhood pay.
pub(super) fn limited(p: &Problem) -> bool {
    let w = p.weekends();
    w > 0
        && p.staff
            .iter()
            .any(|s| (s.contract.max_weekends as usize) < w)
}

/// The cells to free, at most about `cap` of them: the days from Friday to Monday around each
/// weekend for every person; when that is more than `cap`, a run of consecutive weekends for
/// everyone (at least two, so a weekend can move between them), and fewer people when even
/// that is too many.
pub(super) fn weekends(p: &Problem, rng: &mut SplitMix, cap: usize) -> Vec<Vec<bool>> {
    let (n, h, total) = (p.staff.len(), p.days, p.weekends());
    let mut free = vec![vec![false; h]; n];
    if n == 0 || total == 0 {
        return free;
    }
    // Friday to Monday: a weekend shift moved also moves what may follow or precede it.
    let block = |w: usize| {
        let (sat, sun) = p.weekend_days(w);
        sat.saturating_sub(1)..(sun.unwrap_or(sat) + 2).min(h)
    };
    let per_person: usize = (0..total).map(|w| block(w).len()).sum();
    let per_weekend = per_person.div_ceil(total).max(1);
    let span = (cap / (n * per_weekend)).clamp(2.min(total), total);
    let first = rng.below(total - span + 1);
    let people = (cap / (span * per_weekend)).clamp(1, n);
    for e in rng.sample(n, people) {
        for w in first..first + span {
            free[e][block(w)].iter_mut().for_each(|c| *c = true);
        }
    }
    free
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(days: usize, staff: usize) -> Problem {
        let mut text =
            format!("SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n");
        for e in 0..staff {
            text.push_str(&format!("S{e},D={days},{},0,{days},1,1,1\n", 480 * days));
        }
        text.push_str("\nSECTION_COVER\n");
        for d in 0..days {
            text.push_str(&format!("{d},D,1,100,1\n"));
        }
        crate::curtois::parse(&text).expect("parses")
    }

    fn days_freed(free: &[Vec<bool>]) -> Vec<usize> {
        let mut days: Vec<usize> = free
            .iter()
            .flat_map(|row| row.iter().enumerate().filter(|(_, c)| **c).map(|(d, _)| d))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    #[test]
    fn everyone_is_freed_from_friday_to_monday_around_every_weekend_when_that_fits() {
        let p = problem(28, 5);
        assert!(limited(&p), "one weekend of four");
        let free = weekends(&p, &mut SplitMix::new(1), 10_000);
        let expected: Vec<usize> = (0..28)
            .filter(|d| matches!(d % 7, 0 | 4 | 5 | 6))
            .filter(|&d| d > 0)
            .collect();
        for row in &free {
            assert_eq!(days_freed(std::slice::from_ref(row)), expected);
        }
    }

    #[test]
    fn a_small_cap_frees_a_run_of_at_least_two_weekends_and_fewer_people() {
        let p = problem(42, 10);
        let mut rng = SplitMix::new(7);
        for cap in [1, 20, 60, 100, 200] {
            let free = weekends(&p, &mut rng, cap);
            let count = free.iter().flatten().filter(|&&c| c).count();
            let people = free.iter().filter(|row| row.iter().any(|&c| c)).count();
            let saturdays = days_freed(&free)
                .into_iter()
                .filter(|&d| Problem::is_saturday(d))
                .count();
            assert!(saturdays >= 2, "cap {cap}: {saturdays} weekends");
            assert!(people >= 1);
            assert!(count <= cap.max(8), "cap {cap}: {count} cells");
        }
    }

    #[test]
    fn no_weekend_limit_or_no_weekend_leaves_nothing_to_gain() {
        let mut p = problem(28, 3);
        for s in &mut p.staff {
            s.contract.max_weekends = 4;
        }
        assert!(!limited(&p));
        let short = problem(5, 3);
        assert!(!limited(&short));
        assert!(
            weekends(&short, &mut SplitMix::new(0), 100)
                .iter()
                .flatten()
                .all(|&c| !c)
        );
    }
}
