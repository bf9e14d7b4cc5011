//! The labels of one day of the labelling and how they compete: labels whose last shifts allow
//! the same next shifts, with the same run and minutes, share a bucket, and one with no more
//! cost and no more of any tracked resource dominates another.

use std::collections::HashMap;

use super::rules::Rules;

pub(super) const NONE: u8 = u8::MAX;
pub(super) const OFF: u8 = u8::MAX - 1;

#[derive(Clone, Copy)]
pub(super) struct Label {
    pub(super) cost: f64,
    pub(super) parent: u32,
    pub(super) minutes: u32,
    /// Last day's choice: a shift index, `OFF`, or `NONE` before the first day.
    pub(super) last: u8,
    pub(super) run: u16,
    pub(super) from_start: bool,
    pub(super) alive: bool,
}

/// One in this many labels a beam keeps are those that worked the most minutes. A beam of
/// the cheapest alone keeps the rows that rest most whenever working costs (in a first rota,
/// once the people before have filled the cover), and where the minimum minutes leave little
/// room it dies before the last day: Instance23's minimum is 111,360 of at most 112,320, and
/// the first rota's beams ran out of labels on days 206–293 of 364 for about a third of its
/// people, who went to the MIP. Instance24's first rota, built with and without these
/// labels (60 s runs, beside a build): 417,427 with 6 of 150 people left to the MIP, against
/// 1,116,737 with 134.
pub(super) const MOST_MINUTES: usize = 4;

/// Counted resources are packed four to a word, 15 bits each under a guard bit, so that one
/// subtraction compares four at once.
pub(super) const LANES: usize = 4;
const GUARD: u64 = 0x8000_8000_8000_8000;

/// Whether every lane of `a` is at most the same lane of `b`.
fn le(a: &[u64], b: &[u64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(&x, &y)| ((y | GUARD) - x) & GUARD == GUARD)
}

/// Live labels of one bucket: costs, label indices and packed resources side by side.
#[derive(Default)]
struct Bucket {
    cost: Vec<f64>,
    idx: Vec<u32>,
    res: Vec<u64>,
}

impl Bucket {
    fn remove(&mut self, i: usize, words: usize) {
        self.cost.swap_remove(i);
        self.idx.swap_remove(i);
        let last = self.cost.len();
        if i != last {
            self.res
                .copy_within(last * words..(last + 1) * words, i * words);
        }
        self.res.truncate(last * words);
    }
}

/// A hasher for the buckets' keys, which are already well spread integers.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (x ^ (x >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Labels of one day, with their resources in one flat vector (`words` per label).
pub(super) struct Day {
    pub(super) labels: Vec<Label>,
    pub(super) res: Vec<u64>,
    /// Live labels by (last, run, from_start, minutes).
    buckets: HashMap<u64, Bucket, std::hash::BuildHasherDefault<KeyHasher>>,
}

impl Day {
    pub(super) fn new() -> Self {
        Self {
            labels: Vec::new(),
            res: Vec::new(),
            buckets: HashMap::default(),
        }
    }

    pub(super) fn live(&self) -> usize {
        self.buckets.values().map(|b| b.cost.len()).sum()
    }

    /// Keeps `n` live labels (a beam, when the day has too many): the cheapest, and with
    /// `minutes` a share of those that worked the most minutes.
    pub(super) fn keep_beam(&mut self, n: usize, minutes: bool) {
        let mut live: Vec<(f64, u32)> = self
            .buckets
            .values()
            .flat_map(|b| b.cost.iter().copied().zip(b.idx.iter().copied()))
            .collect();
        if live.len() <= n {
            return;
        }
        let most = if minutes { n / MOST_MINUTES } else { 0 };
        let cheap = n - most;
        live.select_nth_unstable_by(cheap, |a, b| a.0.total_cmp(&b.0));
        let rest = &mut live[cheap..];
        if most > 0 && most < rest.len() {
            let labels = &self.labels;
            rest.select_nth_unstable_by(most, |a, b| {
                let (x, y) = (&labels[a.1 as usize], &labels[b.1 as usize]);
                y.minutes.cmp(&x.minutes).then(a.0.total_cmp(&b.0))
            });
        }
        for &(_, i) in &live[n..] {
            self.labels[i as usize].alive = false;
        }
    }

    fn key(l: &Label, class: &[u8]) -> u64 {
        let last = class.get(usize::from(l.last)).copied().unwrap_or(l.last);
        u64::from(last)
            | u64::from(l.run) << 8
            | u64::from(l.from_start) << 24
            | u64::from(l.minutes) << 25
    }

    /// Adds `l` unless a label of its bucket dominates it; removes the ones it dominates.
    /// Returns false when a label was dropped only for lack of room.
    pub(super) fn insert(
        &mut self,
        l: Label,
        res: &[u64],
        r: &Rules,
        words: usize,
        cap: usize,
    ) -> bool {
        let bucket = self.buckets.entry(Self::key(&l, &r.class)).or_default();
        let mut i = 0;
        while i < bucket.cost.len() {
            let c = bucket.cost[i];
            let r = &bucket.res[i * words..(i + 1) * words];
            if c <= l.cost && le(r, res) {
                return true;
            }
            if l.cost <= c && le(res, r) {
                self.labels[bucket.idx[i] as usize].alive = false;
                bucket.remove(i, words);
            } else {
                i += 1;
            }
        }
        let mut exact = true;
        if bucket.cost.len() >= cap {
            exact = false;
            let (worst, c) = bucket
                .cost
                .iter()
                .enumerate()
                .fold(
                    (0, f64::MIN),
                    |acc, (k, &c)| if c > acc.1 { (k, c) } else { acc },
                );
            if c <= l.cost {
                return false;
            }
            self.labels[bucket.idx[worst] as usize].alive = false;
            bucket.remove(worst, words);
        }
        bucket.cost.push(l.cost);
        bucket.idx.push(self.labels.len() as u32);
        bucket.res.extend_from_slice(res);
        self.labels.push(l);
        self.res.extend_from_slice(res);
        exact
    }
}

/// Adds one to resource `slot`; false when that passes its limit.
pub(super) fn bump(res: &mut [u64], slot: usize, limit: u16) -> bool {
    let (w, shift) = (slot / LANES, 16 * (slot % LANES));
    let now = (res[w] >> shift) & 0x7fff;
    if now + 1 > u64::from(limit) {
        return false;
    }
    res[w] += 1 << shift;
    true
}
