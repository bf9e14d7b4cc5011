//! The cheapest rotas of one person under given costs per cell: a labelling algorithm over the
//! days (a resource-constrained shortest path), keeping every hard rule of that person.
//!
//! All hard rules bind one person at a time, so this is exact for one row of the rota. A label
//! is a partial row up to some day: its last shift, the length of its current run (and whether
//! that run began on the first day, which exempts it from the minimum-run rules), its minutes,
//! and its use of the counted resources it tracks (shifts of each type whose limit can bind,
//! weekends; only those the cheapest row would otherwise break, see [`cheapest`]).
//! Labels with the same run and minutes whose last shifts allow the same next shifts compete:
//! one with no more cost and no more of any resource dominates. Used as the pricing problem of
//! column generation, where the costs are the request penalties less the cover rows' duals,
//! and by the row re-optimisation, where they are what a shift is worth against the others.

#[cfg(test)]
mod cases;
mod completion;
mod day;
mod rules;

use std::time::Instant;

use crate::model::Problem;
use completion::Completion;
use day::{Day, LANES, Label, NONE, OFF, bump};
use rules::Rules;

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

/// How far a labelling may go: the rotas wanted, the labels kept per bucket and per day, the
/// cost a rota must stay below to be of use, and when to give up; and whether a day's beam
/// keeps a share of the labels that worked the most minutes besides the cheapest (for rows
/// costed against the rest of a rota, where the cheapest rest; see [`day::MOST_MINUTES`]).
#[derive(Clone, Copy)]
pub(crate) struct Search {
    pub want: usize,
    pub cap: usize,
    pub day_cap: usize,
    pub below: f64,
    pub stop: Instant,
    pub keep_minutes: bool,
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
            keep_minutes: false,
        }
    }
}

/// The `want` cheapest rotas of person `e` under `costs` that cost less than `below` (fewer
/// when fewer exist), keeping at most `cap` labels per bucket and `day_cap` per day (exact
/// when none was dropped for room: a label dropped because even its cheapest completion
/// reaches `below` leaves it exact).
///
/// The counted resources (limits per shift type, weekends) multiply the labels that survive
/// dominance, and most of them do not bind on the cheapest row. So the labelling first tracks
/// none of them, and tracks a limit from then on only once the cheapest row it finds breaks
/// it (decremental state-space relaxation, Righini & Salani 2008): a relaxed labelling's
/// cheapest row that keeps every limit is the cheapest row there is.
pub(crate) fn cheapest(p: &Problem, e: usize, costs: &CellCosts, q: Search) -> Cheapest {
    let rules = Rules::new(p, e, costs);
    let completion = Completion::new(p, &rules, costs);
    let mut tracked = vec![false; rules.slots];
    loop {
        let relaxed = rules.tracking(&tracked);
        match label(p, &rules, &relaxed, completion.as_ref(), costs, q) {
            Labelled::Done(found) => return found,
            // A tracked limit cannot break; were one to, tracking more would never end.
            Labelled::Breaks(broken) if broken.iter().all(|&slot| tracked[slot]) => {
                return Cheapest {
                    rotas: Vec::new(),
                    exact: false,
                    finished: true,
                };
            }
            Labelled::Breaks(broken) => {
                for slot in broken {
                    tracked[slot] = true;
                }
            }
        }
    }
}

/// What one labelling under relaxed rules gave: the rotas, or the limits its cheapest row
/// breaks.
enum Labelled {
    Done(Cheapest),
    Breaks(Vec<usize>),
}

/// The labelling itself, under `relaxed` (the person's rules with only some limits tracked).
/// Rows that break a limit of `rules` are left out; when the cheapest row does, the limits it
/// breaks come back instead.
fn label(
    p: &Problem,
    rules: &Rules,
    relaxed: &Rules,
    completion: Option<&Completion>,
    costs: &CellCosts,
    q: Search,
) -> Labelled {
    let Search {
        want,
        cap,
        day_cap,
        below,
        stop,
        keep_minutes,
    } = q;
    // Whether a label for day `d` (its choices up to day d - 1) can still end below `below`.
    let promising =
        |d: usize, l: &Label| completion.is_none_or(|c| l.cost + c.after(d, l.minutes) < below);
    let words = relaxed.slots.div_ceil(LANES);
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
        let reachable = relaxed.reach[h - d - 1];
        for (i, l) in prev.labels.iter().enumerate() {
            if !l.alive {
                continue;
            }
            let base = &prev.res[i * words..(i + 1) * words];
            let off_cost = costs.off[d];
            if off_cost.is_finite()
                && let Some(n) = rest(relaxed, l, i, off_cost)
                && u64::from(n.minutes) + reachable >= u64::from(relaxed.min_minutes)
                && promising(d + 1, &n)
            {
                exact &= next.insert(n, base, relaxed, words, cap);
            }
            for (s, &c) in costs.work[d].iter().enumerate() {
                if !c.is_finite() {
                    continue;
                }
                res.copy_from_slice(base);
                let Some(n) = work(p, relaxed, d, l, i, s, c, &mut res) else {
                    continue;
                };
                if u64::from(n.minutes) + reachable < u64::from(relaxed.min_minutes)
                    || !promising(d + 1, &n)
                {
                    continue;
                }
                exact &= next.insert(n, &res, relaxed, words, cap);
            }
        }
        if next.live() > day_cap {
            exact = false;
            next.keep_beam(day_cap, keep_minutes);
        }
        days.push(next);
        if d % 4 == 3 && Instant::now() >= stop {
            return Labelled::Done(Cheapest {
                rotas: Vec::new(),
                exact: false,
                finished: false,
            });
        }
    }
    let last = &days[h];
    // The ceiling is checked here too: without a completion table (too many minute values)
    // nothing on the way has.
    let mut ends: Vec<usize> = (0..last.labels.len())
        .filter(|&i| {
            let l = &last.labels[i];
            l.alive && l.minutes >= relaxed.min_minutes && l.cost < below
        })
        .collect();
    ends.sort_by(|&a, &b| last.labels[a].cost.total_cmp(&last.labels[b].cost));
    let mut rotas = Vec::new();
    for i in ends {
        if rotas.len() == want {
            break;
        }
        let row = trace(&days, i);
        let broken = rules.broken(p, &row);
        if broken.is_empty() {
            rotas.push((last.labels[i].cost, row));
        } else if rotas.is_empty() {
            return Labelled::Breaks(broken);
        }
    }
    Labelled::Done(Cheapest {
        rotas,
        exact,
        finished: true,
    })
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
    use super::super::rows::cost;
    use super::cases::{brute, case, every_row};
    use super::*;
    use crate::model::Assignment;
    use crate::rng::SplitMix;
    use crate::validate::validate;

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
                    assert!((cost(&costs, row) - c).abs() < 1e-9);
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
    fn the_cheapest_rota_keeps_every_limit_when_the_untracked_search_breaks_one() {
        let mut rng = SplitMix::new(23);
        let mut relaxed_broke = 0;
        for _ in 0..400 {
            let (p, costs) = case(&mut rng);
            let rules = Rules::new(&p, 0, &costs);
            let completion = Completion::new(&p, &rules, &costs);
            let far = Instant::now() + std::time::Duration::from_secs(3600);
            let q = Search::exact(3, far);
            let untracked = rules.tracking(&vec![false; rules.slots]);
            if !matches!(
                label(&p, &rules, &untracked, completion.as_ref(), &costs, q),
                Labelled::Breaks(_)
            ) {
                continue;
            }
            relaxed_broke += 1;
            let found = cheapest(&p, 0, &costs, q);
            assert!(found.exact);
            let first = found.rotas.first().map(|r| r.0);
            assert_eq!(first, brute(&p, &costs), "{p:?}");
            for (_, row) in &found.rotas {
                assert!(rules.broken(&p, row).is_empty(), "{p:?} {row:?}");
            }
        }
        assert!(
            relaxed_broke > 30,
            "the untracked search broke a limit in only {relaxed_broke} cases"
        );
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
                assert!((cost(&costs, row) - c).abs() < 1e-9);
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
    fn a_narrow_beam_keeps_a_row_that_can_still_reach_the_minimum_minutes() {
        // Five days at most in a row, two off between runs, every Wednesday and Saturday off:
        // fewer shifts fit than runs of five alone would allow, so partial rows that fell
        // behind look able to catch up until late. The minimum asks the most shifts any row
        // can work.
        let mut p = crate::curtois::parse(
            "SECTION_HORIZON\n28\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\n\
             A,D=28,13440,0,5,1,2,4\nSECTION_DAYS_OFF\nA,2,5,9,12,16,19,23,26\nSECTION_COVER\n",
        )
        .expect("the case parses");
        let costs = |work: f64| CellCosts {
            work: (0..28)
                .map(|d| {
                    vec![if d % 7 == 2 || d % 7 == 5 {
                        f64::INFINITY
                    } else {
                        work
                    }]
                })
                .collect(),
            off: vec![0.0; 28],
        };
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        let most = cheapest(&p, 0, &costs(-1.0), Search::exact(1, far));
        let shifts = -most.rotas.first().expect("some row works").0;
        assert!(shifts < 20.0, "the days off must bind: {shifts}");
        p.staff[0].contract.min_total_minutes = shifts as u32 * 480;
        // Working costs and resting is free: the cheapest partial rows rest.
        let beam = Search {
            cap: 1,
            day_cap: 4,
            keep_minutes: true,
            ..Search::exact(1, far)
        };
        let found = cheapest(&p, 0, &costs(1.0), beam);
        let (c, row) = found.rotas.first().expect("the beam finds a row");
        let a = Assignment {
            shifts: vec![row.clone()],
        };
        assert!(validate(&p, &a).is_valid(), "{row:?}");
        assert_eq!(*c, shifts);
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
