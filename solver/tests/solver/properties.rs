//! Property tests: generated tiny problems (MIP vs exhaustive validator), garbled files.

use proptest::prelude::*;
use rota_solver::{Cover, Problem, Request, parse_curtois, validate};

use crate::rules::{assert_agree, shift, tiny};

fn problem() -> impl Strategy<Value = Problem> {
    (1usize..=2, 3usize..=7, 1usize..=2, any::<u64>()).prop_map(|(n, days, s, seed)| {
        // Keep (s+1)^(n*days) small enough for the exhaustive search.
        let days = if n == 2 { days.min(4) } else { days };
        let days = if n * days > 6 && s == 2 { 6 / n } else { days };
        let mut r = seed;
        let mut next = move |m: u64| {
            r = r
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (r >> 33) % m
        };
        let shifts = (0..s)
            .map(|i| shift(["D", "N"][i], 240 * (1 + next(2) as u32)))
            .collect();
        let mut p = tiny(days, shifts, n);
        if s == 2 && next(2) == 0 {
            p.shifts[1].forbidden_next = vec![0];
        }
        for st in &mut p.staff {
            let c = &mut st.contract;
            c.max_shifts = (0..s).map(|_| next(days as u64 + 1) as u32).collect();
            c.max_total_minutes = 240 * next(2 * days as u64 + 2) as u32;
            c.min_total_minutes = 240 * next(days as u64) as u32 / 2;
            c.max_consecutive_shifts = 1 + next(days as u64) as u32;
            c.min_consecutive_shifts = 1 + next(3) as u32;
            c.min_consecutive_days_off = 1 + next(3) as u32;
            c.max_weekends = next(2) as u32;
            if next(3) == 0 {
                st.days_off = vec![next(days as u64) as usize];
            }
        }
        for _ in 0..next(5) {
            let req = Request {
                staff: next(n as u64) as usize,
                day: next(days as u64) as usize,
                shift: next(s as u64) as usize,
                weight: 1 + next(5) as i64,
            };
            if next(2) == 0 {
                p.on_requests.push(req)
            } else {
                p.off_requests.push(req)
            }
        }
        for d in 0..days {
            for sh in 0..s {
                if next(2) == 0 {
                    p.cover.push(Cover {
                        day: d,
                        shift: sh,
                        requirement: next(3) as u32,
                        under_weight: 1 + next(10) as i64,
                        over_weight: next(3) as i64,
                        skill: None,
                    });
                }
            }
        }
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mip_and_validator_agree_on_generated_problems(p in problem()) {
        assert_agree(&p);
    }

    #[test]
    fn garbled_files_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8), cut in any::<usize>()) {
        let mut bytes = include_bytes!("../fixtures/Instance2.txt").to_vec();
        for (at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(p) = parse_curtois(&text) {
            // Whatever loads is consistent and can be validated.
            prop_assert!(p.check().is_ok());
            let _ = validate(&p, &rota_solver::Assignment::empty(&p));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        let _ = parse_curtois(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_breakdown_of_any_rota_adds_up(p in problem(), cells in proptest::collection::vec(0usize..3, 14)) {
        let mut a = rota_solver::Assignment::empty(&p);
        for (i, c) in cells.iter().enumerate() {
            let (e, d) = (i % p.staff.len(), i / p.staff.len());
            if d < p.days {
                a.shifts[e][d] = c.checked_sub(1).filter(|&s| s < p.shifts.len());
            }
        }
        let v = validate(&p, &a);
        let x = &v.explanation;
        prop_assert_eq!(x.by_kind.total(), x.objective);
        prop_assert_eq!(x.by_day.iter().sum::<i64>(), x.objective);
        let short: i64 = x.uncovered.iter().map(|u| i64::from(u.shortfall)).sum();
        prop_assert!(short * p.cover.iter().map(|c| c.under_weight).max().unwrap_or(0) >= x.by_kind.cover_under);
    }
}
