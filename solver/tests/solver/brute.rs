//! Exhaustive reference: tries every rota of a tiny problem with the validator alone.

use rota_solver::{Assignment, Problem, validate};

/// Best objective over all valid rotas, or `None` when no rota is valid.
pub fn optimum(p: &Problem) -> Option<i64> {
    let cells = p.staff.len() * p.days;
    let options = p.shifts.len() as u64 + 1;
    let total = options.checked_pow(cells as u32).expect("tiny problem");
    assert!(total <= 200_000, "problem too big for brute force");
    let mut best: Option<i64> = None;
    for code in 0..total {
        let mut c = code;
        let mut a = Assignment::empty(p);
        for e in 0..p.staff.len() {
            for d in 0..p.days {
                let v = (c % options) as usize;
                c /= options;
                a.shifts[e][d] = v.checked_sub(1);
            }
        }
        let v = validate(p, &a);
        if v.is_valid() && best.is_none_or(|b| v.objective() < b) {
            best = Some(v.objective());
        }
    }
    best
}
