//! Which kind of neighbourhood to free next: adaptive, as in adaptive large-neighbourhood
//! search (Ropke & Pisinger 2006). Each kind earns a score from what its sub-MIPs gained per
//! second, and is drawn in proportion to it, with a floor that keeps every kind in play: a
//! kind that gains nothing now may be the only one that can make the next move.
//!
//! Why: the kinds differ by instance. On Instance13 (120 people, 28 days; 60 s, seed 1, beside
//! a build) the search ran 23 sub-MIPs of each kind in turn; day windows for everyone gained
//! 249 of the 282 it gained, in 5.3 of its 19.8 seconds, and whole rows of a few people 5.

use crate::rng::SplitMix;

/// Share of the draws every kind keeps, whatever its score.
const FLOOR: f64 = 0.1;
/// Weight of the newest sub-MIP in a kind's score (exponential smoothing).
const REACTION: f64 = 0.2;

/// The kinds' scores, and how they are drawn.
pub(super) struct Choice {
    /// Smoothed gain per second of each kind's sub-MIPs.
    score: Vec<f64>,
}

impl Choice {
    pub(super) fn new(kinds: usize) -> Self {
        Self {
            score: vec![0.0; kinds],
        }
    }

    /// Each kind's chance of being drawn: `FLOOR` each (less when there are too many kinds
    /// for that), the rest in proportion to the scores, or evenly while none has scored.
    pub(super) fn shares(&self) -> Vec<f64> {
        let k = self.score.len().max(1) as f64;
        let floor = FLOOR.min(1.0 / k);
        let total: f64 = self.score.iter().sum();
        self.score
            .iter()
            .map(|&s| {
                let part = if total > 0.0 { s / total } else { 1.0 / k };
                floor + (1.0 - floor * k) * part
            })
            .collect()
    }

    /// A kind drawn by the shares.
    pub(super) fn pick(&self, rng: &mut SplitMix) -> usize {
        let mut u = rng.unit();
        let shares = self.shares();
        for (kind, share) in shares.iter().enumerate() {
            if u < *share {
                return kind;
            }
            u -= share;
        }
        shares.len().saturating_sub(1)
    }

    /// Records a sub-MIP of `kind` that gained `gain` (0 when it found nothing better) in
    /// `seconds`.
    pub(super) fn credit(&mut self, kind: usize, gain: f64, seconds: f64) {
        if let Some(s) = self.score.get_mut(kind) {
            let rate = gain.max(0.0) / seconds.max(1e-3);
            *s = (1.0 - REACTION) * *s + REACTION * rate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How often each kind is drawn in `n` draws.
    fn drawn(c: &Choice, n: usize) -> Vec<f64> {
        let mut rng = SplitMix::new(7);
        let mut count = vec![0usize; c.score.len()];
        for _ in 0..n {
            count[c.pick(&mut rng)] += 1;
        }
        count.into_iter().map(|x| x as f64 / n as f64).collect()
    }

    #[test]
    fn kinds_are_drawn_evenly_until_one_gains() {
        let c = Choice::new(4);
        assert_eq!(c.shares(), vec![0.25; 4]);
        for share in drawn(&c, 20_000) {
            assert!((share - 0.25).abs() < 0.02, "{share}");
        }
    }

    #[test]
    fn the_kind_that_gains_is_drawn_most_and_every_other_keeps_its_floor() {
        let mut c = Choice::new(4);
        for _ in 0..10 {
            c.credit(1, 40.0, 0.2);
            c.credit(3, 5.0, 0.25);
            c.credit(0, 0.0, 0.3);
            c.credit(2, 0.0, 0.3);
        }
        let shares = c.shares();
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(shares[1] > 0.6, "{shares:?}");
        assert!(shares[3] > FLOOR && shares[3] < shares[1], "{shares:?}");
        assert!((shares[0] - FLOOR).abs() < 1e-12, "{shares:?}");
        assert!((shares[2] - FLOOR).abs() < 1e-12, "{shares:?}");
        let seen = drawn(&c, 20_000);
        for (kind, (&s, &want)) in seen.iter().zip(&shares).enumerate() {
            assert!(
                (s - want).abs() < 0.02,
                "kind {kind}: drawn {s}, share {want}"
            );
        }
    }

    #[test]
    fn a_kind_that_stops_gaining_falls_back_towards_its_floor() {
        let mut c = Choice::new(3);
        c.credit(0, 100.0, 1.0);
        c.credit(1, 10.0, 1.0);
        let early = c.shares()[0];
        for _ in 0..20 {
            c.credit(0, 0.0, 1.0);
            c.credit(1, 10.0, 1.0);
        }
        let late = c.shares();
        assert!(late[0] < early, "{early} -> {late:?}");
        assert!(late[1] > late[0], "{late:?}");
        // Three kinds: the floor is still a tenth each.
        assert!(late.iter().all(|&s| s >= FLOOR - 1e-12), "{late:?}");
    }
}
