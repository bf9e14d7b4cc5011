//! Naming the conflict when no rota exists: each person without a rota of their own is solved
//! again with every hard rule softened by a penalised slack; the non-zero slacks are the
//! rules that had to give way.

use crate::explain::{Conflict, InfeasibilityExplanation};
use crate::mip::{self, RunOptions};
use crate::model::{Assignment, Problem};
use crate::validate::HardRule;

/// Explains why the people in `staff` cannot each have a rota.
pub(crate) fn explain_infeasible(
    p: &Problem,
    staff: &[usize],
    o: RunOptions,
) -> InfeasibilityExplanation {
    let mut conflicts = Vec::new();
    let base = Assignment::empty(p);
    for &e in staff {
        let mut free = vec![vec![false; p.days]; p.staff.len()];
        free[e] = vec![true; p.days];
        let built = mip::build(p, &base, &free, mip::Mode::Elastic);
        let rules: Vec<(HardRule, Option<usize>)> =
            built.slacks.iter().map(|s| (s.rule, s.day)).collect();
        let r = built.run(o, false);
        let before = conflicts.len();
        for ((rule, day), v) in rules.into_iter().zip(r.slack_values) {
            if v > 1e-6 {
                let unit = match rule {
                    HardRule::MinTotalMinutes | HardRule::MaxTotalMinutes => "minutes",
                    _ => "",
                };
                let at = day.map(|d| format!(" at day {d}")).unwrap_or_default();
                conflicts.push(Conflict {
                    staff: p.staff[e].code.clone(),
                    rule,
                    detail: format!("relaxed by {} {unit}{at}", v.round()).replace("  ", " "),
                });
            }
        }
        if conflicts.len() == before {
            conflicts.push(Conflict { staff: p.staff[e].code.clone(), rule: HardRule::Shape, detail: "no rota exists for this person; the relaxed model found no single rule to blame in time".into() });
        }
    }
    let mut names: Vec<&str> = conflicts.iter().map(|c| c.staff.as_str()).collect();
    names.dedup();
    let summary = format!(
        "No rota exists: the hard rules of {} cannot all hold. Least relaxation needed: {}.",
        names.join(", "),
        conflicts
            .iter()
            .map(|c| format!("{} {:?} {}", c.staff, c.rule, c.detail))
            .collect::<Vec<_>>()
            .join("; ")
    );
    InfeasibilityExplanation { conflicts, summary }
}
