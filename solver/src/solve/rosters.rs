//! The cheapest rotas of one person under given costs per cell: a labelling algorithm over the
//! days (a resource-constrained shortest path), keeping every hard rule of that person.
//!
//! All hard rules bind one person at a time, so this is exact for one row of the rota. A label
//! is a partial row up to some day: its last shift, the length of its current run (and whether
//! that run began on the first day, which exempts it from the minimum-run rules), its minutes,
//! and its use of the counted resources (shifts of each type whose limit can bind, weekends).
//! Labels with the same run and minutes whose last shifts allow the same next shifts compete:
//! one with no more cost and no more of any resource dominates. Used as the pricing problem of
//! column generation, where the costs are the request penalties less the cover rows' duals,
//! and by the row re-optimisation, where they are what a shift is worth against the others.

use std::collections::HashMap;
use std::time::Instant;

use crate::model::Problem;

/// Costs of one person's cells: `work[d][s]` for working shift `s` on day `d` (infinite when
/// barred), `off[d]` for not working on day `d` (infinite when a pin forbids it).
pub(crate) struct CellCosts {
    pub work: Vec<Vec<f64>>,
    pub off: Vec<f64>,
}

/// Rotas found, cheapest first, whether the search was exact (no label dropped for lack
/// of room, so the first rota is the cheapest there is), and whether it finished before its
/// deadline.
pub(crate) struct Cheapest {
    pub rotas: Vec<(f64, Vec<Option<usize>>)>,
    pub exact: bool,
    pub finished: bool,
}

const NONE: u8 = u8::MAX;
const OFF: u8 = u8::MAX - 1;

#[derive(Clone, Copy)]
struct Label {
    cost: f64,
    parent: u32,
    minutes: u32,
    /// Last day's choice: a shift index, `OFF`, or `NONE` before the first day.
    last: u8,
    run: u16,
    from_start: bool,
    alive: bool,
}

/// The hard rules of person `e`, read once.
struct Rules {
    min_minutes: u32,
    max_minutes: u32,
    max_run: u16,
    min_run: u16,
    min_off: u16,
    /// `forbid[s][t]`: shift `t` may not follow shift `s`.
    forbid: Vec<Vec<bool>>,
    /// Shifts with the same `forbid` row share a class: what may follow a label depends on its
    /// last shift only through it, so labels compete across the shifts of a class (Instance12's
    /// ten shift types fall into four classes, Instance13's eighteen into nine).
    class: Vec<u8>,
    /// For each shift type, its slot among the counted resources and its limit.
    counted: Vec<Option<(usize, u16)>>,
    /// Slot and limit of worked weekends, when the limit can bind.
    weekends: Option<(usize, u16)>,
    slots: usize,
    longest: u32,
}

impl Rules {
    fn new(p: &Problem, e: usize, costs: &CellCosts) -> Self {
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

/// Lower bounds on the cost of finishing a row: the cheapest way to fill days `d..` from a
/// given number of minutes worked, with the total between the person's minimum and maximum.
/// Succession, runs and counted resources are relaxed, but the minutes are not: under the
/// cover rows' duals every cell worked looks cheap, and the total is what stops a row from
/// taking them all.
struct Completion {
    /// Minutes are counted in units of the shifts' greatest common length.
    unit: u32,
    /// Minute values per day: `bound[d * width + m]` is for `m` units worked before day `d`.
    width: usize,
    bound: Vec<f64>,
}

/// Above this many minute values a day the bound is not worth its table.
const COMPLETION_WIDTH: usize = 4096;

impl Completion {
    fn new(p: &Problem, r: &Rules, costs: &CellCosts) -> Option<Self> {
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
    fn after(&self, d: usize, minutes: u32) -> f64 {
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

/// Counted resources are packed four to a word, 15 bits each under a guard bit, so that one
/// subtraction compares four at once.
const LANES: usize = 4;
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
struct Day {
    labels: Vec<Label>,
    res: Vec<u64>,
    /// Live labels by (last, run, from_start, minutes).
    buckets: HashMap<u64, Bucket, std::hash::BuildHasherDefault<KeyHasher>>,
}

impl Day {
    fn new() -> Self {
        Self {
            labels: Vec::new(),
            res: Vec::new(),
            buckets: HashMap::default(),
        }
    }

    fn live(&self) -> usize {
        self.buckets.values().map(|b| b.cost.len()).sum()
    }

    /// Keeps only the `n` cheapest live labels (a beam, when the day has too many).
    fn keep_cheapest(&mut self, n: usize) {
        let mut costs: Vec<f64> = self
            .buckets
            .values()
            .flat_map(|b| b.cost.iter().copied())
            .collect();
        let (_, &mut limit, _) = costs.select_nth_unstable_by(n, f64::total_cmp);
        for b in self.buckets.values() {
            for (&c, &i) in b.cost.iter().zip(&b.idx) {
                if c > limit {
                    self.labels[i as usize].alive = false;
                }
            }
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
    fn insert(&mut self, l: Label, res: &[u64], r: &Rules, words: usize, cap: usize) -> bool {
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

/// How far a labelling may go: the rotas wanted, the labels kept per bucket and per day, the
/// cost a rota must stay below to be of use, and when to give up.
#[derive(Clone, Copy)]
pub(crate) struct Search {
    pub want: usize,
    pub cap: usize,
    pub day_cap: usize,
    pub below: f64,
    pub stop: Instant,
}

impl Search {
    /// The `want` cheapest rotas, with no labels dropped for room and no cost ceiling.
    #[cfg(test)]
    pub fn exact(want: usize, stop: Instant) -> Self {
        Self {
            want,
            cap: usize::MAX,
            day_cap: usize::MAX,
            below: f64::INFINITY,
            stop,
        }
    }
}

/// The `want` cheapest rotas of person `e` under `costs` that cost less than `below` (fewer
/// when fewer exist), keeping at most `cap` labels per bucket and `day_cap` per day (exact
/// when none was dropped for room: a label dropped because even its cheapest completion
/// reaches `below` leaves it exact).
pub(crate) fn cheapest(p: &Problem, e: usize, costs: &CellCosts, q: Search) -> Cheapest {
    let Search {
        want,
        cap,
        day_cap,
        below,
        stop,
    } = q;
    let rules = Rules::new(p, e, costs);
    let completion = Completion::new(p, &rules, costs);
    // Whether a label for day `d` (its choices up to day d - 1) can still end below `below`.
    let promising = |d: usize, l: &Label| {
        completion
            .as_ref()
            .is_none_or(|c| l.cost + c.after(d, l.minutes) < below)
    };
    let words = rules.slots.div_ceil(LANES);
    let h = p.days;
    let mut days: Vec<Day> = Vec::with_capacity(h + 1);
    let mut start = Day::new();
    start.labels.push(Label {
        cost: 0.0,
        parent: u32::MAX,
        minutes: 0,
        last: NONE,
        run: 0,
        from_start: true,
        alive: true,
    });
    start.res = vec![0; words];
    days.push(start);
    let mut exact = true;
    let mut res = vec![0u64; words];
    for d in 0..h {
        let mut next = Day::new();
        let prev = &days[d];
        // Minutes still reachable after day d, to drop labels that cannot reach the minimum.
        let reachable = (h - d - 1) as u64 * u64::from(rules.longest);
        for (i, l) in prev.labels.iter().enumerate() {
            if !l.alive {
                continue;
            }
            let base = &prev.res[i * words..(i + 1) * words];
            let off_cost = costs.off[d];
            if off_cost.is_finite()
                && let Some(n) = rest(&rules, l, i, off_cost)
                && u64::from(n.minutes) + reachable >= u64::from(rules.min_minutes)
                && promising(d + 1, &n)
            {
                exact &= next.insert(n, base, &rules, words, cap);
            }
            for (s, &c) in costs.work[d].iter().enumerate() {
                if !c.is_finite() {
                    continue;
                }
                res.copy_from_slice(base);
                let Some(n) = work(p, &rules, d, l, i, s, c, &mut res) else {
                    continue;
                };
                if u64::from(n.minutes) + reachable < u64::from(rules.min_minutes)
                    || !promising(d + 1, &n)
                {
                    continue;
                }
                exact &= next.insert(n, &res, &rules, words, cap);
            }
        }
        if next.live() > day_cap {
            exact = false;
            next.keep_cheapest(day_cap);
        }
        days.push(next);
        if d % 4 == 3 && Instant::now() >= stop {
            return Cheapest {
                rotas: Vec::new(),
                exact: false,
                finished: false,
            };
        }
    }
    let last = &days[h];
    // The ceiling is checked here too: without a completion table (too many minute values)
    // nothing on the way has.
    let mut ends: Vec<usize> = (0..last.labels.len())
        .filter(|&i| {
            let l = &last.labels[i];
            l.alive && l.minutes >= rules.min_minutes && l.cost < below
        })
        .collect();
    ends.sort_by(|&a, &b| last.labels[a].cost.total_cmp(&last.labels[b].cost));
    let rotas = ends
        .into_iter()
        .take(want)
        .map(|i| (last.labels[i].cost, trace(&days, i)))
        .collect();
    Cheapest {
        rotas,
        exact,
        finished: true,
    }
}

/// A day off after label `l` (index `i`), if the rules allow it.
fn rest(r: &Rules, l: &Label, i: usize, cost: f64) -> Option<Label> {
    let (run, from_start) = match l.last {
        NONE => (1, true),
        OFF => ((l.run + 1).min(r.min_off), l.from_start),
        _ if !l.from_start && l.run < r.min_run => return None,
        _ => (1, false),
    };
    Some(Label {
        cost: l.cost + cost,
        parent: i as u32,
        minutes: l.minutes,
        last: OFF,
        run,
        from_start,
        alive: true,
    })
}

/// Shift `s` on day `d` after label `l` (index `i`), if the rules allow it; updates `res`.
#[allow(clippy::too_many_arguments)]
fn work(
    p: &Problem,
    r: &Rules,
    d: usize,
    l: &Label,
    i: usize,
    s: usize,
    cost: f64,
    res: &mut [u64],
) -> Option<Label> {
    let (run, from_start) = match l.last {
        NONE => (1, true),
        OFF if !l.from_start && l.run < r.min_off => return None,
        OFF => (1, false),
        t if r.forbid[usize::from(t)][s] => return None,
        _ => (l.run + 1, l.from_start),
    };
    if run > r.max_run {
        return None;
    }
    let minutes = l.minutes.checked_add(p.shifts[s].length_minutes)?;
    if minutes > r.max_minutes {
        return None;
    }
    if let Some((slot, limit)) = r.counted[s]
        && !bump(res, slot, limit)
    {
        return None;
    }
    // A weekend counts once: on its Saturday, or on its Sunday when Saturday was off.
    let sunday_alone = d % 7 == 6 && l.last >= OFF;
    if let Some((slot, limit)) = r.weekends
        && (Problem::is_saturday(d) || sunday_alone)
        && !bump(res, slot, limit)
    {
        return None;
    }
    Some(Label {
        cost: l.cost + cost,
        parent: i as u32,
        minutes,
        last: s as u8,
        run,
        from_start,
        alive: true,
    })
}

/// Adds one to resource `slot`; false when that passes its limit.
fn bump(res: &mut [u64], slot: usize, limit: u16) -> bool {
    let (w, shift) = (slot / LANES, 16 * (slot % LANES));
    let now = (res[w] >> shift) & 0x7fff;
    if now + 1 > u64::from(limit) {
        return false;
    }
    res[w] += 1 << shift;
    true
}

/// The row of label `i` of the last day, read back through the parents.
fn trace(days: &[Day], mut i: usize) -> Vec<Option<usize>> {
    let h = days.len() - 1;
    let mut row = vec![None; h];
    for d in (1..=h).rev() {
        let l = &days[d].labels[i];
        row[d - 1] = (l.last < OFF).then_some(usize::from(l.last));
        i = l.parent as usize;
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Assignment, Contract, Pin, ShiftType, Staff};
    use crate::rng::SplitMix;
    use crate::validate::validate;

    /// A random one-person problem of a few days, with random cell costs.
    fn case(rng: &mut SplitMix) -> (Problem, CellCosts) {
        let days = 4 + rng.below(5);
        let n_shifts = 1 + rng.below(3);
        let shifts = (0..n_shifts)
            .map(|s| ShiftType {
                code: format!("S{s}"),
                length_minutes: [240, 480, 600][rng.below(3)],
                start_minute: None,
                forbidden_next: (0..n_shifts).filter(|_| rng.below(3) == 0).collect(),
            })
            .collect();
        let contract = Contract {
            max_shifts: (0..n_shifts).map(|_| rng.below(days + 1) as u32).collect(),
            max_total_minutes: 480 * (1 + rng.below(days)) as u32,
            min_total_minutes: 240 * rng.below(days) as u32,
            max_consecutive_shifts: 1 + rng.below(5) as u32,
            min_consecutive_shifts: 1 + rng.below(3) as u32,
            min_consecutive_days_off: 1 + rng.below(3) as u32,
            max_weekends: rng.below(2) as u32,
            min_rest_minutes: None,
        };
        let days_off = (0..days).filter(|_| rng.below(6) == 0).collect();
        let mut pins = Vec::new();
        for d in 0..days {
            if rng.below(8) == 0 {
                pins.push(Pin {
                    staff: 0,
                    day: d,
                    shift: rng.below(n_shifts + 1).checked_sub(1),
                });
            }
        }
        let p = Problem {
            days,
            shifts,
            staff: vec![Staff {
                code: "A".into(),
                contract,
                days_off,
                skills: Vec::new(),
            }],
            on_requests: Vec::new(),
            off_requests: Vec::new(),
            cover: Vec::new(),
            pins,
        };
        let mut work: Vec<Vec<f64>> = (0..days)
            .map(|_| (0..n_shifts).map(|_| rng.below(11) as f64 - 5.0).collect())
            .collect();
        let mut off = vec![0.0; days];
        for (s, &m) in p.staff[0].contract.max_shifts.iter().enumerate() {
            if m == 0 {
                work.iter_mut().for_each(|row| row[s] = f64::INFINITY);
            }
        }
        for &d in &p.staff[0].days_off {
            work[d].iter_mut().for_each(|c| *c = f64::INFINITY);
        }
        for pin in &p.pins {
            for (s, c) in work[pin.day].iter_mut().enumerate() {
                if pin.shift != Some(s) {
                    *c = f64::INFINITY;
                }
            }
            if pin.shift.is_some() {
                off[pin.day] = f64::INFINITY;
            }
        }
        (p, CellCosts { work, off })
    }

    fn row_cost(costs: &CellCosts, row: &[Option<usize>]) -> f64 {
        row.iter()
            .enumerate()
            .map(|(d, x)| x.map_or(costs.off[d], |s| costs.work[d][s]))
            .sum()
    }

    /// Every valid row of the one-person problem, by trying every row.
    fn valid_rows(p: &Problem) -> Vec<Vec<Option<usize>>> {
        let options = p.shifts.len() + 1;
        (0..options.pow(p.days as u32))
            .map(|code| {
                let mut c = code;
                (0..p.days)
                    .map(|_| {
                        let v = c % options;
                        c /= options;
                        v.checked_sub(1)
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|row| {
                let a = Assignment {
                    shifts: vec![row.clone()],
                };
                validate(p, &a).is_valid()
            })
            .collect()
    }

    /// The costs of every valid row, cheapest first.
    fn every_row(p: &Problem, costs: &CellCosts) -> Vec<f64> {
        let mut out: Vec<f64> = valid_rows(p).iter().map(|r| row_cost(costs, r)).collect();
        out.sort_by(f64::total_cmp);
        out
    }

    /// The cheapest valid row.
    fn brute(p: &Problem, costs: &CellCosts) -> Option<f64> {
        every_row(p, costs).first().copied()
    }

    #[test]
    fn the_cheapest_rota_matches_trying_every_rota() {
        let mut rng = SplitMix::new(7);
        let mut feasible = 0;
        // Cases where shift types share a succession class, so labels compete across them.
        let mut merged = 0;
        for _ in 0..300 {
            let (p, costs) = case(&mut rng);
            let class = Rules::new(&p, 0, &costs).class;
            if class.iter().enumerate().any(|(s, &c)| usize::from(c) != s) {
                merged += 1;
            }
            let far = Instant::now() + std::time::Duration::from_secs(3600);
            let found = cheapest(&p, 0, &costs, Search::exact(3, far));
            assert!(found.exact);
            let expected = brute(&p, &costs);
            match (expected, found.rotas.first()) {
                (None, None) => {}
                (Some(b), Some((c, row))) => {
                    feasible += 1;
                    let a = Assignment {
                        shifts: vec![row.clone()],
                    };
                    assert!(validate(&p, &a).is_valid(), "{p:?} {row:?}");
                    assert!((row_cost(&costs, row) - c).abs() < 1e-9);
                    assert!((b - c).abs() < 1e-9, "brute {b}, labelling {c}: {p:?}");
                }
                (b, c) => panic!("brute {b:?}, labelling {:?}: {p:?}", c.map(|x| x.0)),
            }
        }
        // The cases must not all be trivially infeasible.
        assert!(feasible > 75, "only {feasible} feasible cases");
        assert!(merged > 30, "only {merged} cases with a shared class");
    }

    #[test]
    fn a_cost_ceiling_drops_exactly_the_rotas_that_reach_it_and_keeps_the_search_exact() {
        let mut rng = SplitMix::new(11);
        let mut cut = 0;
        for _ in 0..300 {
            let (p, costs) = case(&mut rng);
            let all = every_row(&p, &costs);
            let Some(&cheapest_cost) = all.first() else {
                continue;
            };
            // A ceiling between the cheapest rows and the dearest, or at the cheapest itself.
            let below = match rng.below(3) {
                0 => cheapest_cost,
                _ => cheapest_cost + rng.below(8) as f64 + 0.5,
            };
            let far = Instant::now() + std::time::Duration::from_secs(3600);
            let q = Search {
                below,
                ..Search::exact(3, far)
            };
            let found = cheapest(&p, 0, &costs, q);
            assert!(
                found.exact,
                "a ceiling alone never makes the search inexact"
            );
            // The cheapest row below the ceiling comes first (dominance may hide dearer ones,
            // so only the first is sure), and nothing at or above it comes at all.
            match found.rotas.first() {
                Some((c, _)) => assert!((c - cheapest_cost).abs() < 1e-9, "{p:?}"),
                None => assert!(cheapest_cost >= below, "{p:?} below {below}"),
            }
            for (c, row) in &found.rotas {
                assert!(*c < below, "{c} is not below {below}");
                assert!((row_cost(&costs, row) - c).abs() < 1e-9);
                let a = Assignment {
                    shifts: vec![row.clone()],
                };
                assert!(validate(&p, &a).is_valid(), "{p:?} {row:?}");
            }
            let under = all.iter().filter(|&&c| c < below).count();
            cut += usize::from(under < all.len());
        }
        assert!(cut > 50, "the ceiling cut rotas in only {cut} cases");
    }

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

    #[test]
    fn without_a_completion_table_the_ceiling_still_holds() {
        let mut rng = SplitMix::new(17);
        let mut checked = 0;
        for _ in 0..100 {
            let (mut p, costs) = case(&mut rng);
            // Lengths one minute apart: too many minute values for a table.
            for (s, shift) in p.shifts.iter_mut().enumerate() {
                shift.length_minutes = 479 + s as u32;
            }
            p.staff[0].contract.max_total_minutes = 5_000;
            p.staff[0].contract.min_total_minutes = 0;
            let rules = Rules::new(&p, 0, &costs);
            if Completion::new(&p, &rules, &costs).is_some() {
                // Only one shift type is open to the person: one length, a small table.
                continue;
            }
            let Some(&cheapest_cost) = every_row(&p, &costs).first() else {
                continue;
            };
            let below = cheapest_cost + 0.5;
            let far = Instant::now() + std::time::Duration::from_secs(3600);
            let found = cheapest(
                &p,
                0,
                &costs,
                Search {
                    below,
                    ..Search::exact(3, far)
                },
            );
            let first = found.rotas.first().map(|r| r.0);
            assert_eq!(first, Some(cheapest_cost), "{p:?}");
            assert!(found.rotas.iter().all(|r| r.0 < below), "{p:?}");
            checked += 1;
        }
        assert!(checked > 30, "only {checked} cases without a table");
    }
}
