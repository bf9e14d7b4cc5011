//! Why a rota costs what it costs, and why a problem has no rota at all.

use serde::{Deserialize, Serialize};

use crate::model::Problem;
use crate::validate::HardRule;

/// The objective split by rule kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByKind {
    /// Penalty of shift-on requests not granted.
    pub on_requests: i64,
    /// Penalty of shift-off requests not granted.
    pub off_requests: i64,
    /// Penalty of staff short on cover.
    pub cover_under: i64,
    /// Penalty of staff over cover.
    pub cover_over: i64,
}

impl ByKind {
    /// Sum of all kinds.
    pub fn total(&self) -> i64 {
        self.on_requests + self.off_requests + self.cover_under + self.cover_over
    }
}

/// Request penalty of one member of staff (cover penalties belong to days, not people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPenalty {
    /// Staff code.
    pub staff: String,
    /// Sum of the weights of their unmet requests.
    pub penalty: i64,
}

/// Whether a request asked for a shift or for not working it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Asked to work the shift.
    On,
    /// Asked not to work the shift.
    Off,
}

/// A request the rota does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmetRequest {
    /// On or off request.
    pub kind: RequestKind,
    /// Staff code.
    pub staff: String,
    /// Day index.
    pub day: usize,
    /// Shift code.
    pub shift: String,
    /// Penalty paid.
    pub weight: i64,
}

/// A (day, shift) with fewer staff than required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncovered {
    /// Day index.
    pub day: usize,
    /// Shift code.
    pub shift: String,
    /// Skill the cover asks for, if any.
    pub skill: Option<String>,
    /// Staff wanted.
    pub requirement: u32,
    /// Staff assigned.
    pub assigned: u32,
    /// `requirement - assigned`.
    pub shortfall: u32,
}

/// The objective of a rota broken down for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// Total penalty.
    pub objective: i64,
    /// Penalty by rule kind.
    pub by_kind: ByKind,
    /// Request penalty by member of staff, in staff order.
    pub by_staff: Vec<StaffPenalty>,
    /// Penalty by day (requests and cover).
    pub by_day: Vec<i64>,
    /// Every (day, shift) short of staff, with the shortfall.
    pub uncovered: Vec<Uncovered>,
    /// Every unmet request.
    pub unmet_requests: Vec<UnmetRequest>,
}

impl Explanation {
    /// An explanation with nothing in it, shaped for `p`.
    pub fn empty(p: &Problem) -> Self {
        Self {
            objective: 0,
            by_kind: ByKind::default(),
            by_staff: p
                .staff
                .iter()
                .map(|s| StaffPenalty {
                    staff: s.code.clone(),
                    penalty: 0,
                })
                .collect(),
            by_day: vec![0; p.days],
            uncovered: Vec::new(),
            unmet_requests: Vec::new(),
        }
    }
}

/// One hard rule that had to give way for some member of staff to have any rota at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// Staff code.
    pub staff: String,
    /// The rule relaxed.
    pub rule: HardRule,
    /// By how much it had to be relaxed and where.
    pub detail: String,
}

/// Why no rota exists: the rules and people in conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfeasibilityExplanation {
    /// Conflicts found by relaxing the hard rules with penalised slack.
    pub conflicts: Vec<Conflict>,
    /// A one-paragraph summary for people.
    pub summary: String,
}
