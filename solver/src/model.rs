//! The rota model: horizon, shift types, staff with contracts, requests, cover and pins.
//!
//! Indices (`usize`) into the problem's vectors identify shift types, staff and days; codes are
//! kept for display. [`Problem::check`] rejects out-of-range indices and contradictory limits
//! once, so the solver and validator never re-check them.

use serde::{Deserialize, Serialize};

/// A whole planning problem. Day 0 is a Monday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Number of days in the horizon (day 0 is a Monday).
    pub days: usize,
    /// Shift types, indexed by position.
    pub shifts: Vec<ShiftType>,
    /// Staff members, indexed by position.
    pub staff: Vec<Staff>,
    /// Wishes to work a given shift on a given day (soft).
    pub on_requests: Vec<Request>,
    /// Wishes not to work a given shift on a given day (soft).
    pub off_requests: Vec<Request>,
    /// Preferred number of staff per day and shift (soft).
    pub cover: Vec<Cover>,
    /// Assignments fixed in advance (hard).
    pub pins: Vec<Pin>,
}

/// A kind of shift, e.g. early, late, night.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftType {
    /// Short code shown to people, e.g. `D`.
    pub code: String,
    /// Paid length in minutes.
    pub length_minutes: u32,
    /// Start time in minutes after midnight, when known; used for minimum rest.
    pub start_minute: Option<u32>,
    /// Shift types that may not be worked on the day after this one.
    pub forbidden_next: Vec<usize>,
}

/// One member of staff and their contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    /// Identifier shown to people.
    pub code: String,
    /// The contract rules that bind this person.
    pub contract: Contract,
    /// Days on which this person must not work.
    pub days_off: Vec<usize>,
    /// Skills held, matched against [`Cover::skill`].
    pub skills: Vec<String>,
}

/// Contract rules of one member of staff (all hard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// Maximum number of shifts of each type (indexed like [`Problem::shifts`]); 0 forbids it.
    pub max_shifts: Vec<u32>,
    /// Maximum total paid minutes over the horizon.
    pub max_total_minutes: u32,
    /// Minimum total paid minutes over the horizon.
    pub min_total_minutes: u32,
    /// Maximum run of consecutive working days.
    pub max_consecutive_shifts: u32,
    /// Minimum run of consecutive working days (runs touching the horizon's ends are exempt).
    pub min_consecutive_shifts: u32,
    /// Minimum run of consecutive days off (runs touching the horizon's ends are exempt).
    pub min_consecutive_days_off: u32,
    /// Maximum number of worked weekends (Saturday or Sunday or both worked).
    pub max_weekends: u32,
    /// Minimum rest in minutes between the end of one shift and the start of the next day's
    /// shift; applies only between shift types with a known start.
    pub min_rest_minutes: Option<u32>,
}

/// A weighted wish about one shift on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Index of the member of staff.
    pub staff: usize,
    /// Day index.
    pub day: usize,
    /// Shift type index.
    pub shift: usize,
    /// Penalty when the wish is not met.
    pub weight: i64,
}

/// Preferred staffing of one shift on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    /// Day index.
    pub day: usize,
    /// Shift type index.
    pub shift: usize,
    /// Preferred number of staff.
    pub requirement: u32,
    /// Penalty per person short.
    pub under_weight: i64,
    /// Penalty per person too many.
    pub over_weight: i64,
    /// Only staff with this skill count, when set.
    pub skill: Option<String>,
}

/// An assignment fixed in advance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    /// Index of the member of staff.
    pub staff: usize,
    /// Day index.
    pub day: usize,
    /// The shift they must work, or `None` for a fixed day off.
    pub shift: Option<usize>,
}

/// A rota: for each member of staff and day, the shift worked, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// `shifts[staff][day]`.
    pub shifts: Vec<Vec<Option<usize>>>,
}

impl Cover {
    /// Whether `staff` counts towards this cover: any one does unless it asks for a skill.
    pub fn counts(&self, staff: &Staff) -> bool {
        self.skill.as_ref().is_none_or(|k| staff.skills.contains(k))
    }
}

impl Assignment {
    /// A rota where nobody works.
    pub fn empty(problem: &Problem) -> Self {
        Self {
            shifts: vec![vec![None; problem.days]; problem.staff.len()],
        }
    }
}

/// A problem whose indices or limits do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid problem: {0}")]
pub struct ModelError(pub String);

impl Problem {
    /// True when day `d` is a Saturday (day 0 is a Monday).
    pub fn is_saturday(d: usize) -> bool {
        d % 7 == 5
    }

    /// Number of weekends (Saturday + Sunday pairs) that start inside the horizon.
    pub fn weekends(&self) -> usize {
        (0..self.days).filter(|&d| Self::is_saturday(d)).count()
    }

    /// Days (Saturday, optional Sunday) of weekend `w`.
    pub fn weekend_days(&self, w: usize) -> (usize, Option<usize>) {
        let sat = 7 * w + 5;
        (sat, (sat + 1 < self.days).then_some(sat + 1))
    }

    /// The least objective any rota can have when no weight rewards (all are non-negative,
    /// as in every Curtois & Qu instance): zero. A floor for the bound, which column
    /// generation's first rounds can put far below it.
    pub fn objective_floor(&self) -> Option<f64> {
        let requests = self.on_requests.iter().chain(&self.off_requests);
        let covers = self.cover.iter();
        let rewards = requests.map(|r| r.weight).any(|w| w < 0)
            || covers
                .flat_map(|c| [c.under_weight, c.over_weight])
                .any(|w| w < 0);
        (!rewards).then_some(0.0)
    }

    /// Number of weekends a row works: those with its Saturday or its Sunday worked.
    pub fn weekends_worked(&self, row: &[Option<usize>]) -> usize {
        (0..self.weekends())
            .filter(|&w| {
                let (sat, sun) = self.weekend_days(w);
                row[sat].is_some() || sun.is_some_and(|d| row[d].is_some())
            })
            .count()
    }

    /// Whether working `s` on one day forbids `t` on the next day for staff `e`.
    pub fn forbids(&self, e: usize, s: usize, t: usize) -> bool {
        if self.shifts[s].forbidden_next.contains(&t) {
            return true;
        }
        match (
            self.staff[e].contract.min_rest_minutes,
            self.shifts[s].start_minute,
            self.shifts[t].start_minute,
        ) {
            (Some(rest), Some(a), Some(b)) => {
                let end = a + self.shifts[s].length_minutes;
                // The next shift starts at b on the following day.
                (b + 24 * 60) < end + rest
            }
            _ => false,
        }
    }

    /// Rejects out-of-range indices and contradictory data.
    pub fn check(&self) -> Result<(), ModelError> {
        let (d, s, n) = (self.days, self.shifts.len(), self.staff.len());
        let bad = |what: String| Err(ModelError(what));
        if d == 0 {
            return bad("the horizon has no days".into());
        }
        for (i, sh) in self.shifts.iter().enumerate() {
            if let Some(&t) = sh.forbidden_next.iter().find(|&&t| t >= s) {
                return bad(format!("shift {} forbids unknown shift {t}", i));
            }
        }
        for st in &self.staff {
            if st.contract.max_shifts.len() != s {
                return bad(format!(
                    "staff {} has {} shift limits, expected {s}",
                    st.code,
                    st.contract.max_shifts.len()
                ));
            }
            if let Some(&x) = st.days_off.iter().find(|&&x| x >= d) {
                return bad(format!(
                    "staff {} has day off {x} outside the horizon",
                    st.code
                ));
            }
        }
        for r in self.on_requests.iter().chain(&self.off_requests) {
            if r.staff >= n || r.day >= d || r.shift >= s {
                return bad(format!("request {r:?} is out of range"));
            }
        }
        for c in &self.cover {
            if c.day >= d || c.shift >= s {
                return bad(format!("cover {c:?} is out of range"));
            }
        }
        for p in &self.pins {
            if p.staff >= n || p.day >= d || p.shift.is_some_and(|x| x >= s) {
                return bad(format!("pin {p:?} is out of range"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    fn instance1() -> super::Problem {
        crate::curtois::parse(include_str!("../tests/fixtures/Instance1.txt"))
            .expect("fixture parses")
    }

    #[test]
    fn the_objective_floor_is_zero_unless_a_weight_rewards() {
        let p = instance1();
        assert_eq!(p.objective_floor(), Some(0.0));
        let mut on = p.clone();
        on.on_requests[0].weight = -1;
        assert_eq!(on.objective_floor(), None);
        let mut off = p.clone();
        off.off_requests[0].weight = -1;
        assert_eq!(off.objective_floor(), None);
        let mut over = p.clone();
        over.cover[0].over_weight = -1;
        assert_eq!(over.objective_floor(), None);
        let mut under = p;
        under.cover[0].under_weight = -1;
        assert_eq!(under.objective_floor(), None);
    }
}
